import type { LoggerService } from '@nestjs/common';
import { pino, type Logger } from 'pino';
import type { LogLevel } from '#config';

/** Keys whose values never reach a log line, wherever they appear. */
const REDACT = [
  'authorization',
  '*.authorization',
  'headers.authorization',
  'headers["x-api-key"]',
  '*.access_token',
  '*.accessToken',
  '*.secret',
  '*.app_secret',
  'key',
  'plaintext',
];

/** Structured JSON logs (pino) behind Nest's LoggerService. */
export class PinoLogger implements LoggerService {
  readonly pino: Logger;

  constructor(level: LogLevel) {
    this.pino = pino({ level, redact: { paths: REDACT, censor: '[redacted]' }, base: { pid: process.pid } });
  }

  log(message: unknown, ...rest: unknown[]) {
    this.write('info', message, rest);
  }
  error(message: unknown, ...rest: unknown[]) {
    this.write('error', message, rest);
  }
  warn(message: unknown, ...rest: unknown[]) {
    this.write('warn', message, rest);
  }
  debug(message: unknown, ...rest: unknown[]) {
    this.write('debug', message, rest);
  }
  verbose(message: unknown, ...rest: unknown[]) {
    this.write('trace', message, rest);
  }
  fatal(message: unknown, ...rest: unknown[]) {
    this.write('fatal', message, rest);
  }

  /** Nest calls log(message, context) or log(obj, message, context). */
  private write(level: 'info' | 'error' | 'warn' | 'debug' | 'trace' | 'fatal', message: unknown, rest: unknown[]) {
    const context = typeof rest.at(-1) === 'string' ? (rest.at(-1) as string) : undefined;
    if (message instanceof Error) {
      // Error fields are not enumerable, and some carry their own `context`: log them explicitly.
      this.pino[level]({ context, err: { type: message.name, message: message.message, stack: message.stack } }, message.message);
    } else if (typeof message === 'object' && message !== null) {
      const msg = typeof rest[0] === 'string' && rest.length > 1 ? rest[0] : undefined;
      this.pino[level]({ context, ...(message as object) }, msg);
    } else {
      this.pino[level]({ context }, String(message));
    }
  }
}
