import { ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsInt, IsOptional, IsString, Max, MaxLength, Min } from 'class-validator';

/** `limit` + `cursor`, shared by every list operation (query strings arrive as text, hence @Type). */
export class PageQueryDto {
  @ApiPropertyOptional({ description: 'Page size, 1-100.', default: 20 })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(100)
  limit?: number = 20;

  @ApiPropertyOptional({ description: 'next_cursor of the previous page, exactly as returned.' })
  @IsOptional()
  @IsString()
  @MaxLength(512)
  cursor?: string;
}
