import { ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsInt, IsOptional, Max, Min } from 'class-validator';

export class GetConversationDto {
  @ApiPropertyOptional({ description: 'How many of the latest messages to include (oldest first), 0-100.', default: 20 })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(0)
  @Max(100)
  message_limit?: number = 20;
}
