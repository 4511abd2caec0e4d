import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsOptional } from 'class-validator';
import { PageQueryDto } from '../../common/page-query.dto.js';

export const RECIPIENT_STATUSES = [
  'pending',
  'queued',
  'sent',
  'delivered',
  'read',
  'failed',
  'skipped',
  'canceled',
] as const;

/** `GET /v1/broadcasts/{id}/recipients`: in the order they were added. */
export class ListBroadcastRecipientsDto extends PageQueryDto {
  @ApiPropertyOptional({
    description: "Only recipients in this status (their message's status once it exists).",
    enum: RECIPIENT_STATUSES,
  })
  @IsOptional()
  @IsIn(RECIPIENT_STATUSES)
  status?: (typeof RECIPIENT_STATUSES)[number];
}
