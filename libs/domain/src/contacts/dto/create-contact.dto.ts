import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsEmail, IsOptional, IsString, MaxLength, MinLength } from 'class-validator';
import { IsContactMetadata } from './metadata.validator.js';

export class CreateContactDto {
  @ApiPropertyOptional({ description: 'WhatsApp phone number, E.164 with or without "+". Either phone or user_id is required.', example: '+628123456789' })
  @IsOptional()
  @IsString()
  @MaxLength(32)
  phone?: string;

  @ApiPropertyOptional({ description: "Meta's business-scoped user id, for WhatsApp users known by username only." })
  @IsOptional()
  @IsString()
  @MinLength(1)
  @MaxLength(128)
  user_id?: string;

  @ApiPropertyOptional({ description: 'Display name you give the contact.' })
  @IsOptional()
  @IsString()
  @MaxLength(256)
  name?: string;

  @ApiPropertyOptional({ description: 'Email address.' })
  @IsOptional()
  @IsEmail()
  @MaxLength(320)
  email?: string;

  @ApiPropertyOptional({ description: 'Flat key/value data (≤ 50 keys; values string ≤ 500 chars, number, boolean).', type: 'object', additionalProperties: true })
  @IsOptional()
  @IsContactMetadata()
  metadata?: Record<string, string | number | boolean | null>;
}
