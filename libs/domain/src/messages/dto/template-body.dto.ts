import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import {
  ArrayMaxSize,
  IsArray,
  IsDefined,
  IsIn,
  IsInt,
  IsOptional,
  IsString,
  Length,
  Matches,
  MaxLength,
  MinLength,
  ValidateIf,
  ValidateNested,
} from 'class-validator';
import { LocationBodyDto } from './simple-bodies.dto.js';
import { DocumentBodyDto, MediaRefDto } from './media-body.dto.js';
import { MediaSource } from './message-rules.js';

export const TEMPLATE_PARAMETER_TYPES = ['text', 'currency', 'date_time', 'image', 'video', 'document', 'location', 'payload', 'coupon_code'] as const;

export class TemplateLanguageDto {
  @ApiProperty({ description: 'Language code of the template, e.g. en_US or id.', example: 'en_US' })
  @IsString()
  @Length(2, 15)
  code: string;

  @ApiPropertyOptional({ enum: ['deterministic'] })
  @IsOptional()
  @IsIn(['deterministic'])
  policy?: string;
}

export class CurrencyParameterDto {
  @ApiProperty({ description: 'Text shown if the currency cannot be localised.' })
  @IsString()
  @MinLength(1)
  @MaxLength(100)
  fallback_value: string;

  @ApiProperty({ description: 'ISO 4217 code.', example: 'IDR' })
  @Matches(/^[A-Z]{3}$/, { message: 'code must be an ISO 4217 currency code (3 capital letters)' })
  code: string;

  @ApiProperty({ description: 'Amount × 1000.', example: 150000000 })
  @IsInt()
  amount_1000: number;
}

export class DateTimeParameterDto {
  @ApiProperty({ description: 'The date/time as text.' })
  @IsString()
  @MinLength(1)
  @MaxLength(100)
  fallback_value: string;
}

export class TemplateParameterDto {
  @ApiProperty({ description: 'Kind of value; the field of the same name carries it.', enum: TEMPLATE_PARAMETER_TYPES })
  @IsIn(TEMPLATE_PARAMETER_TYPES)
  type: string;

  @ApiPropertyOptional({ description: 'For templates with NAMED parameters: the variable name.' })
  @IsOptional()
  @Matches(/^[a-z0-9_]{1,64}$/, { message: 'parameter_name must be lowercase letters, digits and underscores' })
  parameter_name?: string;

  @ApiPropertyOptional({ description: 'type text: the value.' })
  @ValidateIf((o: TemplateParameterDto) => o.type === 'text' || o.text !== undefined)
  @IsString()
  @MaxLength(32768)
  @IsDefined()
  text?: string;

  @ApiPropertyOptional({ type: () => CurrencyParameterDto })
  @ValidateIf((o: TemplateParameterDto) => o.type === 'currency' || o.currency !== undefined)
  @IsDefined()
  @ValidateNested()
  @Type(() => CurrencyParameterDto)
  currency?: CurrencyParameterDto;

  @ApiPropertyOptional({ type: () => DateTimeParameterDto })
  @ValidateIf((o: TemplateParameterDto) => o.type === 'date_time' || o.date_time !== undefined)
  @IsDefined()
  @ValidateNested()
  @Type(() => DateTimeParameterDto)
  date_time?: DateTimeParameterDto;

  @ApiPropertyOptional({ type: () => MediaRefDto })
  @ValidateIf((o: TemplateParameterDto) => o.type === 'image' || o.image !== undefined)
  @IsDefined()
  @MediaSource()
  @ValidateNested()
  @Type(() => MediaRefDto)
  image?: MediaRefDto;

  @ApiPropertyOptional({ type: () => MediaRefDto })
  @ValidateIf((o: TemplateParameterDto) => o.type === 'video' || o.video !== undefined)
  @IsDefined()
  @MediaSource()
  @ValidateNested()
  @Type(() => MediaRefDto)
  video?: MediaRefDto;

  @ApiPropertyOptional({ type: () => DocumentBodyDto })
  @ValidateIf((o: TemplateParameterDto) => o.type === 'document' || o.document !== undefined)
  @IsDefined()
  @MediaSource()
  @ValidateNested()
  @Type(() => DocumentBodyDto)
  document?: DocumentBodyDto;

  @ApiPropertyOptional({ type: () => LocationBodyDto })
  @ValidateIf((o: TemplateParameterDto) => o.type === 'location' || o.location !== undefined)
  @IsDefined()
  @ValidateNested()
  @Type(() => LocationBodyDto)
  location?: LocationBodyDto;

  @ApiPropertyOptional({ description: 'type payload (quick-reply button): echoed back when tapped.' })
  @ValidateIf((o: TemplateParameterDto) => o.type === 'payload' || o.payload !== undefined)
  @IsString()
  @MaxLength(1000)
  @IsDefined()
  payload?: string;

  @ApiPropertyOptional({ description: 'type coupon_code (copy-code button), at most 20 characters.' })
  @ValidateIf((o: TemplateParameterDto) => o.type === 'coupon_code' || o.coupon_code !== undefined)
  @IsString()
  @MaxLength(20)
  @IsDefined()
  coupon_code?: string;
}

export class TemplateCardComponentDto {
  @ApiProperty({ enum: ['header', 'body', 'button'] })
  @IsIn(['header', 'body', 'button'])
  type: string;

  @ApiPropertyOptional({ enum: ['quick_reply', 'url'] })
  @IsOptional()
  @IsIn(['quick_reply', 'url'])
  sub_type?: string;

  @ApiPropertyOptional({ description: 'Button position, "0"-"9".' })
  @IsOptional()
  @Matches(/^[0-9]$/, { message: 'index must be a digit, as a string ("0")' })
  index?: string;

  @ApiPropertyOptional({ type: () => [TemplateParameterDto] })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(100)
  @ValidateNested({ each: true })
  @Type(() => TemplateParameterDto)
  parameters?: TemplateParameterDto[];
}

export class TemplateCardDto {
  @ApiProperty({ description: 'Position of the card, 0-9.' })
  @IsInt()
  card_index: number;

  @ApiProperty({ type: () => [TemplateCardComponentDto] })
  @IsArray()
  @ArrayMaxSize(10)
  @ValidateNested({ each: true })
  @Type(() => TemplateCardComponentDto)
  components: TemplateCardComponentDto[];
}

export class TemplateComponentDto {
  @ApiProperty({ description: 'Which part of the template the parameters fill.', enum: ['header', 'body', 'button', 'carousel', 'limited_time_offer'] })
  @IsIn(['header', 'body', 'button', 'carousel', 'limited_time_offer'])
  type: string;

  @ApiPropertyOptional({ description: 'type button: quick_reply, url, copy_code, flow or catalog.', enum: ['quick_reply', 'url', 'copy_code', 'flow', 'catalog', 'voice_call'] })
  @ValidateIf((o: TemplateComponentDto) => o.type === 'button' || o.sub_type !== undefined)
  @IsIn(['quick_reply', 'url', 'copy_code', 'flow', 'catalog', 'voice_call'])
  sub_type?: string;

  @ApiPropertyOptional({ description: 'type button: the button position, "0"-"9".' })
  @ValidateIf((o: TemplateComponentDto) => o.type === 'button' || o.index !== undefined)
  @Matches(/^[0-9]$/, { message: 'index must be a digit, as a string ("0")' })
  index?: string;

  @ApiPropertyOptional({ type: () => [TemplateParameterDto] })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(100)
  @ValidateNested({ each: true })
  @Type(() => TemplateParameterDto)
  parameters?: TemplateParameterDto[];

  @ApiPropertyOptional({ description: 'type carousel: the cards.', type: () => [TemplateCardDto] })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(10)
  @ValidateNested({ each: true })
  @Type(() => TemplateCardDto)
  cards?: TemplateCardDto[];
}

export class TemplateBodyDto {
  @ApiProperty({ description: 'Template name (lowercase letters, digits, underscores).', example: 'order_update' })
  @IsString()
  @Matches(/^[a-z0-9_]{1,512}$/, { message: 'name must be 1-512 lowercase letters, digits or underscores' })
  name: string;

  @ApiProperty({ type: () => TemplateLanguageDto })
  @IsDefined()
  @ValidateNested()
  @Type(() => TemplateLanguageDto)
  language: TemplateLanguageDto;

  @ApiPropertyOptional({ description: 'Parameters for the header, body and buttons, as the template declares them.', type: () => [TemplateComponentDto] })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(20)
  @ValidateNested({ each: true })
  @Type(() => TemplateComponentDto)
  components?: TemplateComponentDto[];
}
