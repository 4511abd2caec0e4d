import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { ArrayMaxSize, ArrayNotEmpty, IsArray, IsIn, IsOptional, IsString, MaxLength } from 'class-validator';
import { WEBHOOK_EVENT_CHOICES } from '../webhook-events.js';

export class CreateWebhookSubscriptionDto {
  @ApiProperty({
    description:
      'Where events are POSTed. Must be https (http only on deployments that allow private targets) and resolve only to public addresses; credentials in the URL are refused.',
    example: 'https://example.com/hooks/whatsapp',
    maxLength: 2048,
  })
  @IsString()
  @MaxLength(2048)
  url: string;

  @ApiProperty({
    description: 'The events to receive, or ["*"] for every event (including ones added later).',
    enum: WEBHOOK_EVENT_CHOICES,
    isArray: true,
    example: ['message.received', 'message.status_updated'],
  })
  @IsArray()
  @ArrayNotEmpty()
  @ArrayMaxSize(WEBHOOK_EVENT_CHOICES.length)
  @IsIn(WEBHOOK_EVENT_CHOICES, { each: true })
  events: string[];

  @ApiPropertyOptional({ description: 'A note for people, e.g. "CRM sync".', maxLength: 500 })
  @IsOptional()
  @IsString()
  @MaxLength(500)
  description?: string;
}
