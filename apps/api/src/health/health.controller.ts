import { Controller, Get, HttpCode, Res } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import type { Response } from 'express';
import { PrismaService } from '#db';
import { Metrics } from '#domain';
import { QueueStats, RedisService } from '#queue';
import { Public } from '../http/public.decorator.js';

@ApiExcludeController()
@Public()
@Controller()
export class HealthController {
  constructor(
    private readonly prisma: PrismaService,
    private readonly redis: RedisService,
    private readonly metrics: Metrics,
    private readonly queues: QueueStats,
  ) {}

  /** The process is alive (no dependencies checked: a liveness probe must not restart us for a DB outage). */
  @Get('healthz')
  @HttpCode(200)
  healthz() {
    return { status: 'ok' };
  }

  /** Ready to serve: the database answers, and Redis when configured. */
  @Get('readyz')
  async readyz(@Res() res: Response) {
    const checks: Record<string, 'ok' | string> = {};
    await this.prisma.ping().then(
      () => (checks.database = 'ok'),
      (e: Error) => (checks.database = e.message),
    );
    if (this.redis.client) {
      await this.redis.client.ping().then(
        () => (checks.redis = 'ok'),
        (e: Error) => (checks.redis = e.message),
      );
    }
    const ok = Object.values(checks).every((v) => v === 'ok');
    res.status(ok ? 200 : 503).json({ status: ok ? 'ok' : 'unavailable', checks });
  }

  @Get('metrics')
  async metricsText(@Res() res: Response) {
    const depths = await this.queues.getCounts().catch(() => undefined);
    let extra = '';
    if (depths) {
      extra += '# HELP kdv_queue_jobs Jobs per queue and state\n# TYPE kdv_queue_jobs gauge\n';
      for (const [queue, counts] of Object.entries(depths))
        for (const [state, n] of Object.entries(counts)) extra += `kdv_queue_jobs{queue="${queue}",state="${state}"} ${n}\n`;
    }
    res.setHeader('Content-Type', this.metrics.registry.contentType);
    res.send((await this.metrics.registry.metrics()) + extra);
  }
}
