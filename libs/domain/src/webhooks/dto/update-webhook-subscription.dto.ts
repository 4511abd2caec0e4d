import { ApiPropertyOptional } from '@nestjs/swagger';
import { ArrayMaxSize, ArrayNotEmpty, IsArray, IsIn, IsOptional, IsString, MaxLength } from 'class-validator';
import { WEBHOOK_EVENT_CHOICES, WEBHOOK_SUBSCRIPTION_STATUSES } from '../webhook-events.js';

export class UpdateWebhookSubscriptionDto {
  @ApiPropertyOptional({ description: 'A new endpoint URL; checked like at creation.', maxLength: 2048 })
  @IsOptional()
  @IsString()
  @MaxLength(2048)
  url?: string;

  @ApiPropertyOptional({
    description: 'Replaces the list of events, or ["*"].',
    enum: WEBHOOK_EVENT_CHOICES,
    isArray: true,
  })
  @IsOptional()
  @IsArray()
  @ArrayNotEmpty()
  @ArrayMaxSize(WEBHOOK_EVENT_CHOICES.length)
  @IsIn(WEBHOOK_EVENT_CHOICES, { each: true })
  events?: string[];

  @ApiPropertyOptional({
    description: 'A note for people; null clears it.',
    maxLength: 500,
    nullable: true,
    type: String,
  })
  @IsOptional()
  @IsString()
  @MaxLength(500)
  description?: string | null;

  @ApiPropertyOptional({
    description:
      '`disabled` stops deliveries (pending ones fail); `active` re-enables a subscription, also one disabled automatically, and resets its failure count.',
    enum: WEBHOOK_SUBSCRIPTION_STATUSES,
  })
  @IsOptional()
  @IsIn(WEBHOOK_SUBSCRIPTION_STATUSES)
  status?: 'active' | 'disabled';
}
