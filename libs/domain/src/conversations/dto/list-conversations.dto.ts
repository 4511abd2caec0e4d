import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsISO8601, IsOptional, IsString, MaxLength, MinLength } from 'class-validator';
import { PageQueryDto } from '../../common/page-query.dto.js';
import { CONVERSATION_STATUSES } from '../conversation-status.js';

export class ListConversationsDto extends PageQueryDto {
  @ApiPropertyOptional({ description: 'Only this number: our id (pn_…) or Meta\'s numeric phone_number_id.' })
  @IsOptional()
  @IsString()
  @MaxLength(64)
  phone_number_id?: string;

  @ApiPropertyOptional({ description: 'Only conversations in this status.', enum: CONVERSATION_STATUSES })
  @IsOptional()
  @IsIn(CONVERSATION_STATUSES)
  status?: string;

  @ApiPropertyOptional({ description: 'Only the conversations of this contact (ctc_…).' })
  @IsOptional()
  @IsString()
  @MaxLength(64)
  contact_id?: string;

  @ApiPropertyOptional({ description: "The contact's phone number (E.164, with or without '+', or a run of its digits) or a part of their name." })
  @IsOptional()
  @IsString()
  @MinLength(1)
  @MaxLength(200)
  q?: string;

  @ApiPropertyOptional({ description: 'Last message at or after this time (ISO 8601).', example: '2026-01-31T00:00:00Z' })
  @IsOptional()
  @IsISO8601({ strict: true })
  since?: string;

  @ApiPropertyOptional({ description: 'Last message before this time (ISO 8601).' })
  @IsOptional()
  @IsISO8601({ strict: true })
  until?: string;
}
