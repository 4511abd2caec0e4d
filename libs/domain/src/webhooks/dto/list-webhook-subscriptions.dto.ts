import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsOptional } from 'class-validator';
import { PageQueryDto } from '../../common/page-query.dto.js';
import { WEBHOOK_SUBSCRIPTION_STATUSES } from '../webhook-events.js';

export class ListWebhookSubscriptionsDto extends PageQueryDto {
  @ApiPropertyOptional({ description: 'Only subscriptions in this status.', enum: WEBHOOK_SUBSCRIPTION_STATUSES })
  @IsOptional()
  @IsIn(WEBHOOK_SUBSCRIPTION_STATUSES)
  status?: string;
}
