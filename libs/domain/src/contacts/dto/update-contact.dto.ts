import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsEmail, IsOptional, IsString, MaxLength } from 'class-validator';
import { IsContactMetadata } from './metadata.validator.js';

export class UpdateContactDto {
  @ApiPropertyOptional({ description: 'Display name; null clears it.', nullable: true })
  @IsOptional()
  @IsString()
  @MaxLength(256)
  name?: string | null;

  @ApiPropertyOptional({ description: 'Email address; null clears it.', nullable: true })
  @IsOptional()
  @IsEmail()
  @MaxLength(320)
  email?: string | null;

  @ApiPropertyOptional({
    description: 'Keys to set, merged into the existing metadata; a key set to null is removed.',
    type: 'object',
    additionalProperties: true,
  })
  @IsOptional()
  @IsContactMetadata()
  metadata?: Record<string, string | number | boolean | null>;
}
