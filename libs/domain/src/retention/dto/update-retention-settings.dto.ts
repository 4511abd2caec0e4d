import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsInt, IsOptional, Max, Min } from 'class-validator';
import { RETENTION_DEFAULTS, RETENTION_LIMITS } from '../retention-rules.js';

const L = RETENTION_LIMITS;
const D = RETENTION_DEFAULTS;

/** `PATCH /v1/settings/retention`: days per kind of data; null returns a key to its default, an absent key is unchanged. */
export class UpdateRetentionSettingsDto {
  @ApiPropertyOptional({
    description: `Processed raw Meta webhook payloads, ${L.raw_payloads_days.min}-${L.raw_payloads_days.max} days (default ${D.raw_payloads_days}). The table is shared, so the shortest setting of any organization applies to all payloads.`,
    nullable: true,
  })
  @IsOptional()
  @IsInt()
  @Min(L.raw_payloads_days.min)
  @Max(L.raw_payloads_days.max)
  raw_payloads_days?: number | null;

  @ApiPropertyOptional({
    description: `Finished customer webhook deliveries and their attempts, ${L.webhook_deliveries_days.min}-${L.webhook_deliveries_days.max} days (default ${D.webhook_deliveries_days}).`,
    nullable: true,
  })
  @IsOptional()
  @IsInt()
  @Min(L.webhook_deliveries_days.min)
  @Max(L.webhook_deliveries_days.max)
  webhook_deliveries_days?: number | null;

  @ApiPropertyOptional({
    description: `Media bytes, ${L.media_days.min}-${L.media_days.max} days (default ${D.media_days}); the media record stays with status deleted.`,
    nullable: true,
  })
  @IsOptional()
  @IsInt()
  @Min(L.media_days.min)
  @Max(L.media_days.max)
  media_days?: number | null;

  @ApiPropertyOptional({
    description: `Audit log rows, ${L.audit_logs_days.min}-${L.audit_logs_days.max} days (default ${D.audit_logs_days}).`,
    nullable: true,
  })
  @IsOptional()
  @IsInt()
  @Min(L.audit_logs_days.min)
  @Max(L.audit_logs_days.max)
  audit_logs_days?: number | null;
}
