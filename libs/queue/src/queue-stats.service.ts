import { Injectable } from '@nestjs/common';
import { QueueDriver, type QueueCounts } from './queue-driver.js';
import type { QueueName } from './queue-names.js';

/** Queue depths for /metrics. */
@Injectable()
export class QueueStats {
  constructor(private readonly driver: QueueDriver) {}

  /**
   * Per queue: waiting (prioritized included), delayed, active, failed. `failed` stays 0 in practice: finished jobs
   * are removed so that their ids can run again, and give-ups are visible on the database rows instead.
   */
  getCounts(): Promise<Record<QueueName, QueueCounts>> {
    return this.driver.getCounts();
  }
}
