import { Module, type DynamicModule, type LogLevel as NestLogLevel } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { ConfigError, ConfigModule, type AppConfig, type LogLevel } from '#config';
import { SandboxModule } from '#sandbox';

export interface StartedSandbox {
  app: NestExpressApplication;
  url: string;
  close(): Promise<void>;
}

@Module({})
class SandboxAppModule {
  static forRoot(config: AppConfig): DynamicModule {
    return {
      module: SandboxAppModule,
      imports: [ConfigModule.forRoot(config), SandboxModule.forRoot({ mode: 'standalone' })],
    };
  }
}

/**
 * The standalone sandbox refuses to start without what it needs: the app secret it signs webhooks with must be the
 * product's (not one generated locally), and it must know where the product receives webhooks.
 */
export function assertStandaloneConfig(config: AppConfig): void {
  if (!config.metaAppSecretFromEnv)
    throw new ConfigError('META_APP_SECRET', 'is required for the standalone sandbox (it signs webhooks with the secret the product verifies)');
  if (!config.sandboxWebhookUrl)
    throw new ConfigError('SANDBOX_WEBHOOK_URL', "is required for the standalone sandbox (the product's /webhooks/meta URL)");
}

export async function startSandbox(config: AppConfig, port = config.sandboxPort, host = '0.0.0.0'): Promise<StartedSandbox> {
  assertStandaloneConfig(config);
  const app = await NestFactory.create<NestExpressApplication>(SandboxAppModule.forRoot(config), {
    bodyParser: false,
    logger: nestLogLevels(config.logLevel),
    abortOnError: false,
  });
  app.disable('x-powered-by');
  // The Graph API takes JSON or form bodies; multipart (media upload) is parsed by the upload route itself.
  app.useBodyParser('json', { limit: config.bodyLimit });
  app.useBodyParser('urlencoded', { limit: config.bodyLimit, extended: true });
  await app.listen(port, host);
  const address = app.getHttpServer().address() as { port: number };
  return { app, url: `http://127.0.0.1:${address.port}`, close: () => app.close() };
}

function nestLogLevels(level: LogLevel): NestLogLevel[] | false {
  const order: NestLogLevel[] = ['fatal', 'error', 'warn', 'log', 'debug', 'verbose'];
  const upTo: Record<LogLevel, number> = { silent: -1, fatal: 0, error: 1, warn: 2, info: 3, debug: 4, trace: 5 };
  return upTo[level] < 0 ? false : order.slice(0, upTo[level] + 1);
}
