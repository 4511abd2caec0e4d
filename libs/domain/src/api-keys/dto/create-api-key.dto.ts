import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsOptional, IsString, Length } from 'class-validator';

export class CreateApiKeyDto {
  @ApiProperty({ description: 'A label to tell keys apart, e.g. "zapier" or "support dashboard".', maxLength: 100 })
  @IsString()
  @Length(1, 100)
  name: string;

  @ApiPropertyOptional({ description: '`full` may write; `read_only` may only read (writes answer 403).', enum: ['full', 'read_only'], default: 'full' })
  @IsOptional()
  @IsIn(['full', 'read_only'])
  scope?: 'full' | 'read_only';

  @ApiPropertyOptional({ description: '`live` keys use any number; `test` keys (kdv_test_…) may only use sandbox numbers.', enum: ['live', 'test'], default: 'live' })
  @IsOptional()
  @IsIn(['live', 'test'])
  mode?: 'live' | 'test';
}
