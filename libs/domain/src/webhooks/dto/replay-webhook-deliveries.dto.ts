import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsISO8601, IsOptional, IsString, MaxLength } from 'class-validator';
import { WEBHOOK_EVENT_TYPES } from '../webhook-events.js';

export const BULK_REPLAY_LIMIT = 1000;

export class ReplayWebhookDeliveriesDto {
  @ApiPropertyOptional({
    description: 'Which finished deliveries to send again.',
    enum: ['failed', 'succeeded'],
    default: 'failed',
  })
  @IsOptional()
  @IsIn(['failed', 'succeeded'])
  status?: 'failed' | 'succeeded';

  @ApiPropertyOptional({ description: 'Only deliveries to this subscription (whs_…); it must be active.' })
  @IsOptional()
  @IsString()
  @MaxLength(64)
  subscription_id?: string;

  @ApiPropertyOptional({ description: 'Only deliveries of this event type.', enum: WEBHOOK_EVENT_TYPES })
  @IsOptional()
  @IsIn(WEBHOOK_EVENT_TYPES)
  event_type?: string;

  @ApiPropertyOptional({ description: 'Created at or after this time (ISO 8601).' })
  @IsOptional()
  @IsISO8601({ strict: true })
  since?: string;

  @ApiPropertyOptional({ description: 'Created before this time (ISO 8601).' })
  @IsOptional()
  @IsISO8601({ strict: true })
  until?: string;
}
