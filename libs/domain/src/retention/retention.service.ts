import { Injectable, Logger } from '@nestjs/common';
import { systemContext } from '../common/tenant-context.js';
import { AuditService } from '../audit/audit.service.js';
import { cutoff, effectiveRetention, rawPayloadCutoff, storedOverrides } from './retention-rules.js';
import { RetentionSettingsRepository } from './retention-settings.repository.js';
import { RetentionRepository } from './retention.repository.js';

/** Rows per statement, and statements per table per organization in one run: a run stays bounded; the next one continues. */
const BATCH = 1_000;
const MAX_BATCHES = 20;
const ORG_PAGE = 200;

export interface RetentionReport {
  organizations: number;
  webhookDeliveries: number;
  mediaErased: number;
  auditLogs: number;
  rawPayloads: number;
  idempotencyRecords: number;
  /** Some table still had rows past their cutoff when the run stopped: the next run goes on. */
  backlog: boolean;
}

/**
 * Enforces every organization's retention settings (run by the `maintenance` job, task `retention`). Each table is
 * cleared in bounded batches; the shared raw-payload table uses the shortest setting of all organizations.
 */
@Injectable()
export class RetentionService {
  private readonly logger = new Logger('Retention');

  constructor(
    private readonly repo: RetentionRepository,
    private readonly settings: RetentionSettingsRepository,
    private readonly audit: AuditService,
  ) {}

  async enforce(now: Date = new Date()): Promise<RetentionReport> {
    const report: RetentionReport = {
      organizations: 0,
      webhookDeliveries: 0,
      mediaErased: 0,
      auditLogs: 0,
      rawPayloads: 0,
      idempotencyRecords: 0,
      backlog: false,
    };
    const rawDays: (number | undefined)[] = [];
    let afterId: string | undefined;
    for (;;) {
      const orgs = await this.settings.listSettingsForSystem(afterId, ORG_PAGE);
      for (const org of orgs) {
        rawDays.push(storedOverrides(org.settings).raw_payloads_days);
        await this.enforceOrganization(org.id, org.settings, now, report);
      }
      report.organizations += orgs.length;
      if (orgs.length < ORG_PAGE) break;
      afterId = orgs[orgs.length - 1].id;
    }
    report.rawPayloads = await this.drain(
      () => this.repo.deleteInboundEventsForSystem(rawPayloadCutoff(now, rawDays), BATCH),
      report,
    );
    report.idempotencyRecords = await this.drain(() => this.repo.deleteExpiredIdempotencyForSystem(now, BATCH), report);
    const removed =
      report.webhookDeliveries + report.mediaErased + report.auditLogs + report.rawPayloads + report.idempotencyRecords;
    if (removed > 0) this.logger.log({ ...report }, 'retention enforced');
    return report;
  }

  private async enforceOrganization(
    organizationId: string,
    settings: unknown,
    now: Date,
    report: RetentionReport,
  ): Promise<void> {
    const days = effectiveRetention(settings);
    const deliveries = await this.drain(
      () => this.repo.deleteWebhookDeliveries(organizationId, cutoff(now, days.webhook_deliveries_days), BATCH),
      report,
    );
    const media = await this.drain(
      () => this.repo.eraseMediaBytes(organizationId, cutoff(now, days.media_days), BATCH),
      report,
    );
    const audit = await this.drain(
      () => this.repo.deleteAuditLogs(organizationId, cutoff(now, days.audit_logs_days), BATCH),
      report,
    );
    report.webhookDeliveries += deliveries;
    report.mediaErased += media;
    report.auditLogs += audit;
    if (deliveries + media + audit > 0)
      await this.audit.record(systemContext(organizationId), {
        action: 'retention.enforced',
        targetType: 'organization',
        targetId: organizationId,
        metadata: { webhook_deliveries: deliveries, media_erased: media, audit_logs: audit, days },
      });
  }

  /** Repeats a bounded deletion until a batch comes back short, at most MAX_BATCHES times. */
  private async drain(batch: () => Promise<number>, report: RetentionReport): Promise<number> {
    let total = 0;
    for (let i = 0; i < MAX_BATCHES; i++) {
      const n = await batch();
      total += n;
      if (n < BATCH) return total;
    }
    report.backlog = true;
    return total;
  }
}
