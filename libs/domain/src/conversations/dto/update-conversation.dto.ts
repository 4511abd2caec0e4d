import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsIn, IsOptional, IsString, MaxLength, MinLength, ValidateNested } from 'class-validator';
import { CONVERSATION_STATUSES } from '../conversation-status.js';

export class ConversationAssigneeDto {
  @ApiProperty({ description: 'Your identifier of the agent (free-form).' })
  @IsString()
  @MinLength(1)
  @MaxLength(128)
  id: string;

  @ApiPropertyOptional({ description: 'Display name of the agent.' })
  @IsOptional()
  @IsString()
  @MaxLength(256)
  name?: string;
}

export class UpdateConversationDto {
  @ApiPropertyOptional({ description: 'open, pending or resolved. A resolved conversation reopens on the next inbound message.', enum: CONVERSATION_STATUSES })
  @IsOptional()
  @IsIn(CONVERSATION_STATUSES)
  status?: string;

  @ApiPropertyOptional({ description: 'The agent handling the conversation; null unassigns.', nullable: true })
  @IsOptional()
  @ValidateNested()
  @Type(() => ConversationAssigneeDto)
  assignee?: ConversationAssigneeDto | null;
}
