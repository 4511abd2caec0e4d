import { ApiProperty } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import {
  ArrayMaxSize,
  ArrayMinSize,
  IsArray,
  IsBoolean,
  IsIn,
  IsInt,
  IsLatitude,
  IsLongitude,
  IsObject,
  IsOptional,
  IsString,
  Length,
  Matches,
  MaxLength,
  Min,
  ValidateNested,
} from 'class-validator';

export const INBOUND_TYPES = ['text', 'image', 'video', 'audio', 'document', 'sticker', 'location', 'contacts', 'reaction', 'interactive', 'button', 'unsupported'] as const;
export type InboundType = (typeof INBOUND_TYPES)[number];

class InboundTextDto {
  @ApiProperty({ description: 'The message text (at most 4096 characters).' })
  @IsString()
  @Length(1, 4096)
  body!: string;
}

class InboundMediaDto {
  @ApiProperty({ description: 'Caption (image, video, document).', required: false })
  @IsOptional()
  @IsString()
  @MaxLength(1024)
  caption?: string;

  @ApiProperty({ description: 'Document file name.', required: false })
  @IsOptional()
  @IsString()
  @MaxLength(240)
  filename?: string;

  @ApiProperty({ description: 'MIME type of the file; a typical one for the type when omitted.', required: false })
  @IsOptional()
  @IsString()
  @MaxLength(255)
  mime_type?: string;

  @ApiProperty({ description: 'The file bytes, base64; a small placeholder file when omitted.', required: false })
  @IsOptional()
  @IsString()
  @Matches(/^[A-Za-z0-9+/=\s]*$/, { message: 'data_base64 must be base64' })
  data_base64?: string;

  @ApiProperty({ description: 'Audio: a voice note (default true).', required: false })
  @IsOptional()
  @IsBoolean()
  voice?: boolean;

  @ApiProperty({ description: 'Sticker: animated.', required: false })
  @IsOptional()
  @IsBoolean()
  animated?: boolean;
}

class InboundLocationDto {
  @ApiProperty({ description: 'Latitude in degrees.' })
  @IsLatitude()
  latitude!: number;

  @ApiProperty({ description: 'Longitude in degrees.' })
  @IsLongitude()
  longitude!: number;

  @ApiProperty({ description: 'Place name.', required: false })
  @IsOptional()
  @IsString()
  @MaxLength(1000)
  name?: string;

  @ApiProperty({ description: 'Address.', required: false })
  @IsOptional()
  @IsString()
  @MaxLength(1000)
  address?: string;

  @ApiProperty({ description: 'A URL for the place.', required: false })
  @IsOptional()
  @IsString()
  @MaxLength(2000)
  url?: string;
}

class InboundReactionDto {
  @ApiProperty({ description: 'The wamid of the message reacted to.' })
  @IsString()
  @Length(1, 256)
  message_id!: string;

  @ApiProperty({ description: 'The emoji; omitted or empty removes the reaction.', required: false })
  @IsOptional()
  @IsString()
  @MaxLength(16)
  emoji?: string;
}

class InboundReplyDto {
  @ApiProperty({ description: 'The id of the button or row the customer chose.' })
  @IsString()
  @Length(1, 256)
  id!: string;

  @ApiProperty({ description: 'Its title.' })
  @IsString()
  @Length(1, 256)
  title!: string;

  @ApiProperty({ description: 'List rows: the description.', required: false })
  @IsOptional()
  @IsString()
  @MaxLength(256)
  description?: string;
}

class InboundFlowReplyDto {
  @ApiProperty({ description: "The flow's response: a JSON string or object." })
  @IsOptional()
  response_json?: unknown;

  @ApiProperty({ description: 'Shown text.', required: false })
  @IsOptional()
  @IsString()
  body?: string;

  @ApiProperty({ description: 'Flow name.', required: false })
  @IsOptional()
  @IsString()
  name?: string;
}

class InboundInteractiveDto {
  @ApiProperty({ description: 'button_reply, list_reply or nfm_reply (a flow completion).', enum: ['button_reply', 'list_reply', 'nfm_reply'] })
  @IsIn(['button_reply', 'list_reply', 'nfm_reply'])
  type!: string;

  @ApiProperty({ description: 'For button_reply.', required: false, type: InboundReplyDto })
  @IsOptional()
  @ValidateNested()
  @Type(() => InboundReplyDto)
  button_reply?: InboundReplyDto;

  @ApiProperty({ description: 'For list_reply.', required: false, type: InboundReplyDto })
  @IsOptional()
  @ValidateNested()
  @Type(() => InboundReplyDto)
  list_reply?: InboundReplyDto;

  @ApiProperty({ description: 'For nfm_reply.', required: false, type: InboundFlowReplyDto })
  @IsOptional()
  @ValidateNested()
  @Type(() => InboundFlowReplyDto)
  nfm_reply?: InboundFlowReplyDto;
}

class InboundButtonDto {
  @ApiProperty({ description: "The quick-reply button's payload." })
  @IsString()
  @Length(1, 256)
  payload!: string;

  @ApiProperty({ description: 'The button text.' })
  @IsString()
  @Length(1, 256)
  text!: string;
}

class InboundUnsupportedDto {
  @ApiProperty({ description: 'What the unsupported type was (e.g. poll).', required: false })
  @IsOptional()
  @IsString()
  @MaxLength(64)
  type?: string;
}

class InboundContextDto {
  @ApiProperty({ description: 'The wamid of the quoted message.' })
  @IsString()
  @Length(1, 256)
  message_id!: string;

  @ApiProperty({ description: 'Mark as forwarded.', required: false })
  @IsOptional()
  @IsBoolean()
  forwarded?: boolean;

  @ApiProperty({ description: 'Mark as frequently forwarded.', required: false })
  @IsOptional()
  @IsBoolean()
  frequently_forwarded?: boolean;
}

/**
 * `POST /v1/sandbox/inbound`: a customer "sends" a message to a sandbox number. Our number's id plus the Cloud API
 * inbound message shape; the field named by `type` carries the body.
 */
export class SandboxInboundDto {
  @ApiProperty({ description: "The sandbox number receiving the message: pn_… or its Meta-style numeric id." })
  @IsString()
  @Length(1, 64)
  phone_number_id!: string;

  @ApiProperty({ description: "The customer's number, E.164 with or without '+'; empty together with user_id for a username-only user.", example: '+628123456789' })
  @IsString()
  @MaxLength(20)
  from!: string;

  @ApiProperty({ description: 'The message type; the field of the same name carries its body.', enum: INBOUND_TYPES })
  @IsIn(INBOUND_TYPES)
  type!: InboundType;

  @ApiProperty({ description: "The customer's WhatsApp profile name.", required: false })
  @IsOptional()
  @IsString()
  @Length(1, 256)
  profile_name?: string;

  @ApiProperty({ description: "Meta's business-scoped user id (2026 usernames).", required: false })
  @IsOptional()
  @IsString()
  @Length(1, 128)
  user_id?: string;

  @ApiProperty({ description: 'A reply to an earlier message.', required: false, type: InboundContextDto })
  @IsOptional()
  @ValidateNested()
  @Type(() => InboundContextDto)
  context?: InboundContextDto;

  @ApiProperty({ description: 'When the customer sent it (unix seconds); now when omitted. An old time opens an already-expired window.', required: false })
  @IsOptional()
  @IsInt()
  @Min(1)
  timestamp?: number;

  @ApiProperty({ description: 'type text: { body }.', required: false, type: InboundTextDto })
  @IsOptional()
  @ValidateNested()
  @Type(() => InboundTextDto)
  text?: InboundTextDto;

  @ApiProperty({ description: 'type image: { caption?, mime_type?, data_base64? }.', required: false, type: InboundMediaDto })
  @IsOptional()
  @ValidateNested()
  @Type(() => InboundMediaDto)
  image?: InboundMediaDto;

  @ApiProperty({ description: 'type video: { caption?, mime_type?, data_base64? }.', required: false, type: InboundMediaDto })
  @IsOptional()
  @ValidateNested()
  @Type(() => InboundMediaDto)
  video?: InboundMediaDto;

  @ApiProperty({ description: 'type audio: { voice?, mime_type?, data_base64? }.', required: false, type: InboundMediaDto })
  @IsOptional()
  @ValidateNested()
  @Type(() => InboundMediaDto)
  audio?: InboundMediaDto;

  @ApiProperty({ description: 'type document: { filename?, caption?, mime_type?, data_base64? }.', required: false, type: InboundMediaDto })
  @IsOptional()
  @ValidateNested()
  @Type(() => InboundMediaDto)
  document?: InboundMediaDto;

  @ApiProperty({ description: 'type sticker: { animated?, data_base64? }.', required: false, type: InboundMediaDto })
  @IsOptional()
  @ValidateNested()
  @Type(() => InboundMediaDto)
  sticker?: InboundMediaDto;

  @ApiProperty({ description: 'type location: { latitude, longitude, name?, address?, url? }.', required: false, type: InboundLocationDto })
  @IsOptional()
  @ValidateNested()
  @Type(() => InboundLocationDto)
  location?: InboundLocationDto;

  @ApiProperty({ description: 'type contacts: the Cloud API contact cards [{ name: { formatted_name, … }, phones?, emails?, … }].', required: false })
  @IsOptional()
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(20)
  @IsObject({ each: true })
  contacts?: Record<string, unknown>[];

  @ApiProperty({ description: 'type reaction: { message_id, emoji? }.', required: false, type: InboundReactionDto })
  @IsOptional()
  @ValidateNested()
  @Type(() => InboundReactionDto)
  reaction?: InboundReactionDto;

  @ApiProperty({ description: 'type interactive: { type: button_reply | list_reply | nfm_reply, … }.', required: false, type: InboundInteractiveDto })
  @IsOptional()
  @ValidateNested()
  @Type(() => InboundInteractiveDto)
  interactive?: InboundInteractiveDto;

  @ApiProperty({ description: 'type button (a template quick reply): { payload, text }.', required: false, type: InboundButtonDto })
  @IsOptional()
  @ValidateNested()
  @Type(() => InboundButtonDto)
  button?: InboundButtonDto;

  @ApiProperty({ description: 'type unsupported: { type? }.', required: false, type: InboundUnsupportedDto })
  @IsOptional()
  @ValidateNested()
  @Type(() => InboundUnsupportedDto)
  unsupported?: InboundUnsupportedDto;
}
