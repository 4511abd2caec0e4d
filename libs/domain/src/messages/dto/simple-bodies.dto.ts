import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import {
  ArrayMaxSize,
  IsArray,
  IsBoolean,
  IsDefined,
  IsNumber,
  IsOptional,
  IsString,
  Matches,
  Max,
  MaxLength,
  Min,
  MinLength,
  ValidateNested,
} from 'class-validator';
import { ContactNameParts } from './message-rules.js';

export class TextBodyDto {
  @ApiProperty({ description: 'The text, 1-4096 characters. URLs are linked; *bold*, _italic_ and ~strike~ work.', example: 'Your package arrives tomorrow.' })
  @IsString()
  @MinLength(1)
  @MaxLength(4096)
  body: string;

  @ApiPropertyOptional({ description: 'Show a preview of the first URL in the body.' })
  @IsOptional()
  @IsBoolean()
  preview_url?: boolean;
}

export class LocationBodyDto {
  @ApiProperty({ description: 'Latitude in degrees, -90 to 90.', example: -6.2 })
  @IsNumber({ allowNaN: false, allowInfinity: false })
  @Min(-90)
  @Max(90)
  latitude: number;

  @ApiProperty({ description: 'Longitude in degrees, -180 to 180.', example: 106.816 })
  @IsNumber({ allowNaN: false, allowInfinity: false })
  @Min(-180)
  @Max(180)
  longitude: number;

  @ApiPropertyOptional({ description: 'Name of the place.' })
  @IsOptional()
  @IsString()
  @MaxLength(1000)
  name?: string;

  @ApiPropertyOptional({ description: 'Address of the place.' })
  @IsOptional()
  @IsString()
  @MaxLength(1000)
  address?: string;
}

export class ReactionBodyDto {
  @ApiProperty({ description: 'The message reacted to: its wamid, or our msg_… id.' })
  @IsString()
  @MinLength(1)
  @MaxLength(256)
  message_id: string;

  @ApiProperty({ description: 'One emoji; an empty string removes the reaction.', example: '👍' })
  @IsString()
  @MaxLength(16)
  emoji: string;
}

export class MessageContextDto {
  @ApiProperty({ description: 'The quoted message: its wamid, or our msg_… id.' })
  @IsString()
  @MinLength(1)
  @MaxLength(256)
  message_id: string;
}

// ---- contacts (vCards) ----

export class ContactCardNameDto {
  @ApiProperty({ description: 'Full name as displayed.' })
  @IsString()
  @MinLength(1)
  @MaxLength(512)
  formatted_name: string;

  @ApiPropertyOptional() @IsOptional() @IsString() @MaxLength(256) first_name?: string;
  @ApiPropertyOptional() @IsOptional() @IsString() @MaxLength(256) last_name?: string;
  @ApiPropertyOptional() @IsOptional() @IsString() @MaxLength(256) middle_name?: string;
  @ApiPropertyOptional() @IsOptional() @IsString() @MaxLength(64) suffix?: string;
  @ApiPropertyOptional() @IsOptional() @IsString() @MaxLength(64) prefix?: string;
}

export class ContactCardPhoneDto {
  @ApiPropertyOptional({ description: 'Phone number as shown.' }) @IsOptional() @IsString() @MaxLength(64) phone?: string;
  @ApiPropertyOptional({ description: 'CELL, MAIN, IPHONE, HOME or WORK.' }) @IsOptional() @IsString() @MaxLength(32) type?: string;
  @ApiPropertyOptional({ description: 'WhatsApp id; adds a "Message" button.' }) @IsOptional() @IsString() @MaxLength(32) wa_id?: string;
}

export class ContactCardEmailDto {
  @ApiPropertyOptional() @IsOptional() @IsString() @MaxLength(320) email?: string;
  @ApiPropertyOptional({ description: 'HOME or WORK.' }) @IsOptional() @IsString() @MaxLength(32) type?: string;
}

export class ContactCardAddressDto {
  @ApiPropertyOptional() @IsOptional() @IsString() @MaxLength(512) street?: string;
  @ApiPropertyOptional() @IsOptional() @IsString() @MaxLength(256) city?: string;
  @ApiPropertyOptional() @IsOptional() @IsString() @MaxLength(256) state?: string;
  @ApiPropertyOptional() @IsOptional() @IsString() @MaxLength(32) zip?: string;
  @ApiPropertyOptional() @IsOptional() @IsString() @MaxLength(256) country?: string;
  @ApiPropertyOptional() @IsOptional() @IsString() @MaxLength(8) country_code?: string;
  @ApiPropertyOptional() @IsOptional() @IsString() @MaxLength(32) type?: string;
}

export class ContactCardOrgDto {
  @ApiPropertyOptional() @IsOptional() @IsString() @MaxLength(256) company?: string;
  @ApiPropertyOptional() @IsOptional() @IsString() @MaxLength(256) department?: string;
  @ApiPropertyOptional() @IsOptional() @IsString() @MaxLength(256) title?: string;
}

export class ContactCardUrlDto {
  @ApiPropertyOptional() @IsOptional() @IsString() @MaxLength(2048) url?: string;
  @ApiPropertyOptional() @IsOptional() @IsString() @MaxLength(32) type?: string;
}

export class ContactCardDto {
  @ApiProperty({ description: 'Name of the shared contact: formatted_name and at least one other part.', type: () => ContactCardNameDto })
  @IsDefined()
  @ContactNameParts()
  @ValidateNested()
  @Type(() => ContactCardNameDto)
  name: ContactCardNameDto;

  @ApiPropertyOptional({ type: () => [ContactCardPhoneDto] })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(20)
  @ValidateNested({ each: true })
  @Type(() => ContactCardPhoneDto)
  phones?: ContactCardPhoneDto[];

  @ApiPropertyOptional({ type: () => [ContactCardEmailDto] })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(20)
  @ValidateNested({ each: true })
  @Type(() => ContactCardEmailDto)
  emails?: ContactCardEmailDto[];

  @ApiPropertyOptional({ type: () => [ContactCardAddressDto] })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(20)
  @ValidateNested({ each: true })
  @Type(() => ContactCardAddressDto)
  addresses?: ContactCardAddressDto[];

  @ApiPropertyOptional({ type: () => ContactCardOrgDto })
  @IsOptional()
  @ValidateNested()
  @Type(() => ContactCardOrgDto)
  org?: ContactCardOrgDto;

  @ApiPropertyOptional({ type: () => [ContactCardUrlDto] })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(20)
  @ValidateNested({ each: true })
  @Type(() => ContactCardUrlDto)
  urls?: ContactCardUrlDto[];

  @ApiPropertyOptional({ description: 'YYYY-MM-DD.' })
  @IsOptional()
  @Matches(/^\d{4}-\d{2}-\d{2}$/, { message: 'birthday must be YYYY-MM-DD' })
  birthday?: string;
}
