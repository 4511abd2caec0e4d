import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { ArrayMaxSize, ArrayMinSize, IsArray, IsDefined, IsIn, IsOptional, IsString, Matches, MaxLength, MinLength, ValidateIf, ValidateNested } from 'class-validator';
import { InteractiveBodyDto } from './interactive-body.dto.js';
import { AudioBodyDto, DocumentBodyDto, ImageBodyDto, StickerBodyDto, VideoBodyDto } from './media-body.dto.js';
import { FallbackForFreeForm, InteractiveRules, MediaSource, MESSAGE_TYPES, OnlyTheTypeBody } from './message-rules.js';
import { SEND_AT_PATTERN } from '../scheduled-send.js';
import { ContactCardDto, LocationBodyDto, MessageContextDto, ReactionBodyDto, TextBodyDto } from './simple-bodies.dto.js';
import { TemplateBodyDto } from './template-body.dto.js';

const when = (type: string) => (o: SendMessageDto) => o.type === type;

/**
 * POST /v1/messages and the send_message tool: the Cloud API message object (`to`, `type`, the body of that type,
 * optional `context`) plus `phone_number_id`. `biz_opaque_callback_data` is ours (it carries our message id), so
 * clients cannot set it.
 */
export class SendMessageDto {
  @ApiPropertyOptional({
    description: "The sending number: our id (pn_…) or Meta's numeric phone_number_id. Optional when the organization has one number.",
  })
  @IsOptional()
  @IsString()
  @MaxLength(64)
  phone_number_id?: string;

  @ApiProperty({ description: 'Recipient phone number, E.164 with or without "+".', example: '+628123456789' })
  @IsString()
  @MinLength(1)
  @MaxLength(32)
  to: string;

  @ApiProperty({
    description: 'Message type; the field of the same name carries its body. Outside the 24 h window only template is allowed.',
    enum: MESSAGE_TYPES,
  })
  @IsIn(MESSAGE_TYPES)
  @OnlyTheTypeBody()
  type: string;

  @ApiPropertyOptional({ description: 'Accepted for copy-paste compatibility with the Cloud API; always whatsapp.', enum: ['whatsapp'] })
  @IsOptional()
  @IsIn(['whatsapp'])
  messaging_product?: string;

  @ApiPropertyOptional({ description: 'Accepted for compatibility; always individual.', enum: ['individual'] })
  @IsOptional()
  @IsIn(['individual'])
  recipient_type?: string;

  @ApiPropertyOptional({ description: 'Quote an earlier message (not for reactions).', type: () => MessageContextDto })
  @IsOptional()
  @ValidateNested()
  @Type(() => MessageContextDto)
  context?: MessageContextDto;

  @ApiPropertyOptional({ description: 'type text.', type: () => TextBodyDto })
  @ValidateIf(when('text'))
  @IsDefined()
  @ValidateNested()
  @Type(() => TextBodyDto)
  text?: TextBodyDto;

  @ApiPropertyOptional({ description: 'type image: id or link, optional caption.', type: () => ImageBodyDto })
  @ValidateIf(when('image'))
  @IsDefined()
  @MediaSource()
  @ValidateNested()
  @Type(() => ImageBodyDto)
  image?: ImageBodyDto;

  @ApiPropertyOptional({ description: 'type video: id or link, optional caption.', type: () => VideoBodyDto })
  @ValidateIf(when('video'))
  @IsDefined()
  @MediaSource()
  @ValidateNested()
  @Type(() => VideoBodyDto)
  video?: VideoBodyDto;

  @ApiPropertyOptional({ description: 'type audio: id or link.', type: () => AudioBodyDto })
  @ValidateIf(when('audio'))
  @IsDefined()
  @MediaSource()
  @ValidateNested()
  @Type(() => AudioBodyDto)
  audio?: AudioBodyDto;

  @ApiPropertyOptional({ description: 'type document: id or link, optional caption and filename.', type: () => DocumentBodyDto })
  @ValidateIf(when('document'))
  @IsDefined()
  @MediaSource()
  @ValidateNested()
  @Type(() => DocumentBodyDto)
  document?: DocumentBodyDto;

  @ApiPropertyOptional({ description: 'type sticker: id or link (WebP).', type: () => StickerBodyDto })
  @ValidateIf(when('sticker'))
  @IsDefined()
  @MediaSource()
  @ValidateNested()
  @Type(() => StickerBodyDto)
  sticker?: StickerBodyDto;

  @ApiPropertyOptional({ description: 'type location.', type: () => LocationBodyDto })
  @ValidateIf(when('location'))
  @IsDefined()
  @ValidateNested()
  @Type(() => LocationBodyDto)
  location?: LocationBodyDto;

  @ApiPropertyOptional({ description: 'type contacts: 1-20 contact cards.', type: () => [ContactCardDto] })
  @ValidateIf(when('contacts'))
  @IsDefined()
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(20)
  @ValidateNested({ each: true })
  @Type(() => ContactCardDto)
  contacts?: ContactCardDto[];

  @ApiPropertyOptional({ description: 'type reaction: react to a message (an empty emoji removes the reaction).', type: () => ReactionBodyDto })
  @ValidateIf(when('reaction'))
  @IsDefined()
  @ValidateNested()
  @Type(() => ReactionBodyDto)
  reaction?: ReactionBodyDto;

  @ApiPropertyOptional({ description: 'type template: an approved template and its parameters. Works outside the 24 h window.', type: () => TemplateBodyDto })
  @ValidateIf(when('template'))
  @IsDefined()
  @ValidateNested()
  @Type(() => TemplateBodyDto)
  template?: TemplateBodyDto;

  @ApiPropertyOptional({ description: 'type interactive: reply buttons, a list, a URL button or a carousel.', type: () => InteractiveBodyDto })
  @ValidateIf(when('interactive'))
  @IsDefined()
  @InteractiveRules()
  @ValidateNested()
  @Type(() => InteractiveBodyDto)
  interactive?: InteractiveBodyDto;

  @ApiPropertyOptional({
    description:
      'Schedule the send: an ISO 8601 date-time with a timezone, in the future and at most 30 days ahead. The message is stored as ' +
      'scheduled and goes out at that time (cancel it before with POST /v1/messages/{id}/cancel). Everything is validated now; ' +
      'the 24-hour window of a free-form message is checked again at send time (the fallback_template, if any, is used when it closed).',
    example: '2026-05-01T09:00:00+07:00',
    format: 'date-time',
  })
  @IsOptional()
  @IsString()
  @Matches(SEND_AT_PATTERN, { message: 'send_at must be an ISO 8601 date-time with a timezone, e.g. 2026-05-01T09:00:00+07:00' })
  send_at?: string;

  @ApiPropertyOptional({
    description:
      'For free-form types (not template or reaction): an approved template { name, language: { code }, components } sent instead ' +
      'when the 24-hour window is closed (at send time for scheduled messages). Checked like a template send up front; the message ' +
      'then shows fallback_used and its original content.',
    type: () => TemplateBodyDto,
  })
  @IsOptional()
  @FallbackForFreeForm()
  @ValidateNested()
  @Type(() => TemplateBodyDto)
  fallback_template?: TemplateBodyDto;
}
