import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsOptional, IsString, MaxLength, MinLength } from 'class-validator';
import { PageQueryDto } from '../../common/page-query.dto.js';

export class ListContactsDto extends PageQueryDto {
  @ApiPropertyOptional({ description: 'Exact phone number, E.164 with or without "+".', example: '+628123456789' })
  @IsOptional()
  @IsString()
  @MaxLength(32)
  phone?: string;

  @ApiPropertyOptional({ description: 'Case-insensitive substring of the name, WhatsApp profile name, email or phone digits.' })
  @IsOptional()
  @IsString()
  @MinLength(1)
  @MaxLength(200)
  search?: string;
}
