/** An answer that is not Graph JSON (an injected proxy-style 500 page). */
export class SandboxRawHttpError extends Error {
  constructor(
    readonly status: number,
    readonly body: string,
    readonly contentType = 'text/html; charset=utf-8',
  ) {
    super(`HTTP ${status}`);
  }
}
