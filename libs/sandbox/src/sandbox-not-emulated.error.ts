/** A route or feature the sandbox does not emulate: answered with a loud 501, never silently faked. */
export class SandboxNotEmulatedError extends Error {
  constructor(
    readonly route: string,
    readonly reason?: string,
  ) {
    super(`The WhatsApp sandbox does not emulate ${route}${reason ? ` (${reason})` : ''}`);
  }
}
