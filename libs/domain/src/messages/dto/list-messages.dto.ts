import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsISO8601, IsOptional, IsString, MaxLength, MinLength } from 'class-validator';
import { PageQueryDto } from '../../common/page-query.dto.js';
import { MESSAGE_STATUSES } from '../message-status.js';

export class ListMessagesDto extends PageQueryDto {
  @ApiPropertyOptional({ description: 'Words to find in message texts, captions and template names (full-text, or a substring).' })
  @IsOptional()
  @IsString()
  @MinLength(1)
  @MaxLength(200)
  q?: string;

  @ApiPropertyOptional({ description: 'Only messages of this conversation (cnv_…).' })
  @IsOptional()
  @IsString()
  @MaxLength(64)
  conversation_id?: string;

  @ApiPropertyOptional({ description: 'Only messages with this contact (ctc_…).' })
  @IsOptional()
  @IsString()
  @MaxLength(64)
  contact_id?: string;

  @ApiPropertyOptional({ description: 'inbound or outbound.', enum: ['inbound', 'outbound'] })
  @IsOptional()
  @IsIn(['inbound', 'outbound'])
  direction?: string;

  @ApiPropertyOptional({ description: 'Only messages in this status.', enum: MESSAGE_STATUSES })
  @IsOptional()
  @IsIn(MESSAGE_STATUSES)
  status?: string;

  @ApiPropertyOptional({ description: 'Created at or after this time (ISO 8601).' })
  @IsOptional()
  @IsISO8601({ strict: true })
  since?: string;

  @ApiPropertyOptional({ description: 'Created before this time (ISO 8601).' })
  @IsOptional()
  @IsISO8601({ strict: true })
  until?: string;
}
