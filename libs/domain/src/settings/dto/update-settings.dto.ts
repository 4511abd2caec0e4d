import { ApiPropertyOptional } from '@nestjs/swagger';
import { ArrayMaxSize, IsArray, IsInt, IsOptional, IsString, Max, MaxLength, Min } from 'class-validator';
import { SETTINGS_DEFAULTS, SETTINGS_LIMITS } from '../organization-settings.js';

/** PATCH /v1/settings: only the fields sent change; null returns a field to its default. */
export class UpdateSettingsDto {
  @ApiPropertyOptional({
    description: `Messages an assistant (MCP send_message) may send to one recipient in any rolling hour. Default ${SETTINGS_DEFAULTS.mcpMaxMessagesPerRecipientPerHour}; null restores it.`,
    minimum: 1,
    maximum: SETTINGS_LIMITS.maxMessagesPerRecipientPerHour,
    nullable: true,
  })
  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(SETTINGS_LIMITS.maxMessagesPerRecipientPerHour)
  mcp_max_messages_per_recipient_per_hour?: number | null;

  @ApiPropertyOptional({
    description:
      'Contacts the organization never talked to (no conversation yet) that an assistant may message in any rolling 24 hours; ' +
      `0 keeps assistants to existing conversations. Default ${SETTINGS_DEFAULTS.mcpMaxNewRecipientsPerDay}; null restores it.`,
    minimum: 0,
    maximum: SETTINGS_LIMITS.maxNewRecipientsPerDay,
    nullable: true,
  })
  @IsOptional()
  @IsInt()
  @Min(0)
  @Max(SETTINGS_LIMITS.maxNewRecipientsPerDay)
  mcp_max_new_recipients_per_day?: number | null;

  @ApiPropertyOptional({
    description:
      'When set, assistants may send only to these numbers (E.164, with or without "+"); an empty list blocks every assistant send. ' +
      'null removes the restriction (the default).',
    type: [String],
    nullable: true,
    example: ['+628123456789'],
  })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(SETTINGS_LIMITS.allowListSize)
  @IsString({ each: true })
  @MaxLength(32, { each: true })
  mcp_recipient_allow_list?: string[] | null;

  @ApiPropertyOptional({
    description:
      'An inbound text that is exactly one of these (trimmed, case-insensitive) opts the contact out of marketing templates. ' +
      `Default ${SETTINGS_DEFAULTS.optOutKeywords.join(', ')}; an empty list turns keyword opt-out off; null restores the default.`,
    type: [String],
    nullable: true,
  })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(SETTINGS_LIMITS.keywords)
  @IsString({ each: true })
  @MaxLength(SETTINGS_LIMITS.keywordLength, { each: true })
  opt_out_keywords?: string[] | null;

  @ApiPropertyOptional({
    description: `An inbound text that is exactly one of these opts the contact back in. Default ${SETTINGS_DEFAULTS.optInKeywords.join(', ')}; null restores it.`,
    type: [String],
    nullable: true,
  })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(SETTINGS_LIMITS.keywords)
  @IsString({ each: true })
  @MaxLength(SETTINGS_LIMITS.keywordLength, { each: true })
  opt_in_keywords?: string[] | null;
}
