import type { Logger } from '@nestjs/common';

/**
 * Runs `fn` now and then every `intervalMs` after each run ends (never two runs at once). Timers are unref'd so a
 * finished process or test is not kept alive; stop() waits for a run in progress.
 */
export class PeriodicTask {
  private timer?: NodeJS.Timeout;
  private running?: Promise<void>;
  private stopped = false;

  constructor(
    private readonly name: string,
    private readonly intervalMs: number,
    private readonly fn: () => Promise<unknown>,
    private readonly logger: Logger,
  ) {}

  start(): void {
    this.stopped = false;
    this.schedule(0);
  }

  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.timer);
    await this.running;
  }

  private schedule(delayMs: number): void {
    if (this.stopped) return;
    this.timer = setTimeout(() => {
      this.running = this.fn()
        .then(
          () => undefined,
          (err: unknown) => this.logger.error(`${this.name} failed: ${err instanceof Error ? err.message : String(err)}`),
        )
        .finally(() => {
          this.running = undefined;
          this.schedule(this.intervalMs);
        });
    }, delayMs);
    this.timer.unref();
  }
}
