export interface QueueModuleOptions {
  /** Overrides config.runProcessors; the worker app sets it to true. */
  runProcessors?: boolean;
}

export const QUEUE_MODULE_OPTIONS = Symbol('QUEUE_MODULE_OPTIONS');
