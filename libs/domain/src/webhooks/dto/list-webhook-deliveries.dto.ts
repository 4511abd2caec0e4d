import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsISO8601, IsOptional, IsString, MaxLength } from 'class-validator';
import { PageQueryDto } from '../../common/page-query.dto.js';
import { WEBHOOK_DELIVERY_STATUSES, WEBHOOK_EVENT_TYPES } from '../webhook-events.js';

export class ListWebhookDeliveriesDto extends PageQueryDto {
  @ApiPropertyOptional({ description: 'Only deliveries to this subscription (whs_…).' })
  @IsOptional()
  @IsString()
  @MaxLength(64)
  subscription_id?: string;

  @ApiPropertyOptional({ description: 'Only deliveries of this event type.', enum: WEBHOOK_EVENT_TYPES })
  @IsOptional()
  @IsIn(WEBHOOK_EVENT_TYPES)
  event_type?: string;

  @ApiPropertyOptional({
    description: '`pending` (being retried), `succeeded` or `failed` (gave up; replayable).',
    enum: WEBHOOK_DELIVERY_STATUSES,
  })
  @IsOptional()
  @IsIn(WEBHOOK_DELIVERY_STATUSES)
  status?: string;

  @ApiPropertyOptional({ description: 'Created at or after this time (ISO 8601).', example: '2026-01-31T00:00:00Z' })
  @IsOptional()
  @IsISO8601({ strict: true })
  since?: string;

  @ApiPropertyOptional({ description: 'Created before this time (ISO 8601).' })
  @IsOptional()
  @IsISO8601({ strict: true })
  until?: string;
}
