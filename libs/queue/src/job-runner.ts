import type { Logger } from '@nestjs/common';
import type { JobContext } from './job-handler.js';
import type { RegisteredProcessor } from './queue-driver.js';
import { decideOutcome, type JobOutcome } from './retry-policy.js';

/**
 * Runs one attempt of a job through its processor and decides what comes next; both drivers call this so their
 * semantics cannot drift. `onExhausted` has already run when the outcome is `exhausted`.
 * Resolves `undefined` when the job completed.
 */
export async function runJob(
  processor: RegisteredProcessor,
  job: JobContext<unknown>,
  logger: Logger,
): Promise<JobOutcome | undefined> {
  try {
    await processor.handler.handle(job as never);
    return undefined;
  } catch (error) {
    const outcome = decideOutcome(error, job.attempt, processor.policy);
    const where = `${job.queue} job ${job.id} (attempt ${job.attempt}/${processor.policy.maxAttempts})`;
    if (outcome.kind === 'retry') logger.warn(`${where} failed, retrying in ${outcome.delayMs} ms: ${describe(error)}`);
    if (outcome.kind === 'exhausted') {
      logger.error(`${where} gave up: ${describe(error)}`);
      try {
        await processor.handler.onExhausted?.(job as never, error);
      } catch (hookError) {
        // The job is dropped either way; the database row it points to is what sweeps and operators look at.
        logger.error(`${job.queue} job ${job.id}: onExhausted threw: ${describe(hookError)}`);
      }
    }
    return outcome;
  }
}

function describe(error: unknown): string {
  return error instanceof Error ? `${error.name}: ${error.message}` : String(error);
}
