import { Module } from '@nestjs/common';
import { WebhookProcessorsModule } from './webhooks/webhook-processors.module.js';

/**
 * Every queue processor of every feature. Loaded by the worker app and, in the embedded default, by the single
 * process, so both run the very same classes. Features add their processor-bearing modules to `imports`.
 */
@Module({ imports: [WebhookProcessorsModule] })
export class ProcessorsModule {}
