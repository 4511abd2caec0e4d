/** A bad request to the sandbox's own admin API (`/_sandbox/...`). */
export class SandboxAdminError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}
