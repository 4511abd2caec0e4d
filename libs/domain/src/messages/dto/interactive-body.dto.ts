import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import {
  ArrayMaxSize,
  ArrayMinSize,
  IsArray,
  IsDefined,
  IsIn,
  IsInt,
  IsOptional,
  IsString,
  IsUrl,
  Max,
  MaxLength,
  Min,
  MinLength,
  ValidateNested,
} from 'class-validator';
import { MediaRefDto, URL_OPTIONS } from './media-body.dto.js';

export const INTERACTIVE_TYPES = ['button', 'list', 'cta_url', 'carousel'] as const;

export class InteractiveHeaderDto {
  @ApiProperty({ description: 'text (lists accept only text), image, video or document.', enum: ['text', 'image', 'video', 'document'] })
  @IsIn(['text', 'image', 'video', 'document'])
  type: string;

  @ApiPropertyOptional({ description: 'Header text, at most 60 characters (type text).' })
  @IsOptional()
  @IsString()
  @MinLength(1)
  @MaxLength(60)
  text?: string;

  @ApiPropertyOptional({ type: () => MediaRefDto }) @IsOptional() @ValidateNested() @Type(() => MediaRefDto) image?: MediaRefDto;
  @ApiPropertyOptional({ type: () => MediaRefDto }) @IsOptional() @ValidateNested() @Type(() => MediaRefDto) video?: MediaRefDto;
  @ApiPropertyOptional({ type: () => MediaRefDto }) @IsOptional() @ValidateNested() @Type(() => MediaRefDto) document?: MediaRefDto;
}

export class InteractiveTextDto {
  @ApiProperty({ description: 'Body text: at most 1024 characters (4096 for lists, 160 on a carousel card).' })
  @IsString()
  @MinLength(1)
  @MaxLength(4096)
  text: string;
}

export class InteractiveFooterDto {
  @ApiProperty({ description: 'Footer text, at most 60 characters.' })
  @IsString()
  @MinLength(1)
  @MaxLength(60)
  text: string;
}

export class ReplyDto {
  @ApiProperty({ description: 'Your id for the button, echoed back when tapped (at most 256 characters).' })
  @IsString()
  @MinLength(1)
  @MaxLength(256)
  id: string;

  @ApiProperty({ description: 'Button label, at most 20 characters, unique among the buttons.' })
  @IsString()
  @MinLength(1)
  @MaxLength(20)
  title: string;
}

export class ReplyButtonDto {
  @ApiProperty({ enum: ['reply'] })
  @IsIn(['reply'])
  type: string;

  @ApiProperty({ type: () => ReplyDto })
  @IsDefined()
  @ValidateNested()
  @Type(() => ReplyDto)
  reply: ReplyDto;
}

export class ListRowDto {
  @ApiProperty({ description: 'Your id for the row, echoed back when chosen (at most 200 characters, unique).' })
  @IsString()
  @MinLength(1)
  @MaxLength(200)
  id: string;

  @ApiProperty({ description: 'Row title, at most 24 characters.' })
  @IsString()
  @MinLength(1)
  @MaxLength(24)
  title: string;

  @ApiPropertyOptional({ description: 'Row description, at most 72 characters.' })
  @IsOptional()
  @IsString()
  @MaxLength(72)
  description?: string;
}

export class ListSectionDto {
  @ApiPropertyOptional({ description: 'Section title, at most 24 characters (required when there are several sections).' })
  @IsOptional()
  @IsString()
  @MinLength(1)
  @MaxLength(24)
  title?: string;

  @ApiProperty({ description: 'Rows of the section (at most 10 rows over all sections).', type: () => [ListRowDto] })
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(10)
  @ValidateNested({ each: true })
  @Type(() => ListRowDto)
  rows: ListRowDto[];
}

export class CtaUrlParametersDto {
  @ApiProperty({ description: 'Button label, at most 20 characters.' })
  @IsString()
  @MinLength(1)
  @MaxLength(20)
  display_text: string;

  @ApiProperty({ description: 'URL the button opens.' })
  @IsUrl(URL_OPTIONS)
  @MaxLength(2048)
  url: string;
}

export class CarouselCardHeaderDto {
  @ApiProperty({ description: 'image or video; every card uses the same type.', enum: ['image', 'video'] })
  @IsIn(['image', 'video'])
  type: string;

  @ApiPropertyOptional({ type: () => MediaRefDto }) @IsOptional() @ValidateNested() @Type(() => MediaRefDto) image?: MediaRefDto;
  @ApiPropertyOptional({ type: () => MediaRefDto }) @IsOptional() @ValidateNested() @Type(() => MediaRefDto) video?: MediaRefDto;
}

export class CarouselCardActionDto {
  @ApiProperty({ enum: ['cta_url'] })
  @IsIn(['cta_url'])
  name: string;

  @ApiProperty({ type: () => CtaUrlParametersDto })
  @IsDefined()
  @ValidateNested()
  @Type(() => CtaUrlParametersDto)
  parameters: CtaUrlParametersDto;
}

export class CarouselCardDto {
  @ApiProperty({ description: 'Position of the card, 0-9, in order.' })
  @IsInt()
  @Min(0)
  @Max(9)
  card_index: number;

  @ApiProperty({ enum: ['cta_url'] })
  @IsIn(['cta_url'])
  type: string;

  @ApiProperty({ type: () => CarouselCardHeaderDto })
  @IsDefined()
  @ValidateNested()
  @Type(() => CarouselCardHeaderDto)
  header: CarouselCardHeaderDto;

  @ApiPropertyOptional({ description: 'Card text, at most 160 characters.', type: () => InteractiveTextDto })
  @IsOptional()
  @ValidateNested()
  @Type(() => InteractiveTextDto)
  body?: InteractiveTextDto;

  @ApiProperty({ type: () => CarouselCardActionDto })
  @IsDefined()
  @ValidateNested()
  @Type(() => CarouselCardActionDto)
  action: CarouselCardActionDto;
}

/** The union of the action shapes; which fields a type needs is checked by interactiveProblem. */
export class InteractiveActionDto {
  @ApiPropertyOptional({ description: 'type button: 1-3 reply buttons with unique titles.', type: () => [ReplyButtonDto] })
  @IsOptional()
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(3)
  @ValidateNested({ each: true })
  @Type(() => ReplyButtonDto)
  buttons?: ReplyButtonDto[];

  @ApiPropertyOptional({ description: 'type list: label of the button that opens the list, at most 20 characters.' })
  @IsOptional()
  @IsString()
  @MinLength(1)
  @MaxLength(20)
  button?: string;

  @ApiPropertyOptional({ description: 'type list: 1-10 sections, at most 10 rows in total.', type: () => [ListSectionDto] })
  @IsOptional()
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(10)
  @ValidateNested({ each: true })
  @Type(() => ListSectionDto)
  sections?: ListSectionDto[];

  @ApiPropertyOptional({ description: 'type cta_url: always "cta_url".', enum: ['cta_url'] })
  @IsOptional()
  @IsIn(['cta_url'])
  name?: string;

  @ApiPropertyOptional({ description: 'type cta_url: the button.', type: () => CtaUrlParametersDto })
  @IsOptional()
  @ValidateNested()
  @Type(() => CtaUrlParametersDto)
  parameters?: CtaUrlParametersDto;

  @ApiPropertyOptional({ description: 'type carousel: 2-10 cards.', type: () => [CarouselCardDto] })
  @IsOptional()
  @IsArray()
  @ArrayMinSize(2)
  @ArrayMaxSize(10)
  @ValidateNested({ each: true })
  @Type(() => CarouselCardDto)
  cards?: CarouselCardDto[];
}

export class InteractiveBodyDto {
  @ApiProperty({ description: 'button (reply buttons), list, cta_url (a URL button) or carousel (2-10 media cards).', enum: INTERACTIVE_TYPES })
  @IsIn(INTERACTIVE_TYPES)
  type: string;

  @ApiPropertyOptional({ type: () => InteractiveHeaderDto })
  @IsOptional()
  @ValidateNested()
  @Type(() => InteractiveHeaderDto)
  header?: InteractiveHeaderDto;

  @ApiPropertyOptional({ description: 'Required for every type.', type: () => InteractiveTextDto })
  @IsOptional()
  @ValidateNested()
  @Type(() => InteractiveTextDto)
  body?: InteractiveTextDto;

  @ApiPropertyOptional({ type: () => InteractiveFooterDto })
  @IsOptional()
  @ValidateNested()
  @Type(() => InteractiveFooterDto)
  footer?: InteractiveFooterDto;

  @ApiProperty({ type: () => InteractiveActionDto })
  @IsDefined()
  @ValidateNested()
  @Type(() => InteractiveActionDto)
  action: InteractiveActionDto;
}
