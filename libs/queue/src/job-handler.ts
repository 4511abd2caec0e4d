import type { JobPayloads, QueueName } from './queue-names.js';

export interface JobContext<T> {
  id: string;
  data: T;
  /** 1-based; counts real attempts only (a RescheduleError does not count). */
  attempt: number;
  queue: QueueName;
}

/** Implemented by a class decorated with `@QueueProcessor(queue)`. */
export interface JobHandler<Q extends QueueName> {
  handle(job: JobContext<JobPayloads[Q]>): Promise<void>;
  /** Called once when the job gives up (PermanentError or the last attempt failed); then the job is dropped. */
  onExhausted?(job: JobContext<JobPayloads[Q]>, error: unknown): Promise<void>;
}
