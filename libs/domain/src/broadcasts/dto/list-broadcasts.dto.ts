import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsOptional } from 'class-validator';
import { PageQueryDto } from '../../common/page-query.dto.js';

export const BROADCAST_STATUSES = ['draft', 'sending', 'completed', 'canceled'] as const;

/** `GET /v1/broadcasts`: newest first. */
export class ListBroadcastsDto extends PageQueryDto {
  @ApiPropertyOptional({ description: 'Only broadcasts in this status.', enum: BROADCAST_STATUSES })
  @IsOptional()
  @IsIn(BROADCAST_STATUSES)
  status?: (typeof BROADCAST_STATUSES)[number];
}
