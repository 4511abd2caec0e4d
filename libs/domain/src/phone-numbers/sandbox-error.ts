import { SandboxAdminClientError } from '#sandbox';

/** The status and the sandbox's own message of a failed admin call (0 when the sandbox was not reached). */
export function describeSandboxError(err: unknown): { status: number; message: string } {
  if (err instanceof SandboxAdminClientError) {
    const body = err.body as { error?: { message?: unknown } } | undefined;
    const message = typeof body?.error?.message === 'string' ? body.error.message : err.message;
    return { status: err.status, message };
  }
  return { status: 0, message: err instanceof Error ? err.message : String(err) };
}
