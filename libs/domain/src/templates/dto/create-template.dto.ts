import { ApiProperty } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import {
  ArrayMaxSize,
  ArrayMinSize,
  IsArray,
  IsBoolean,
  IsIn,
  IsInt,
  IsObject,
  IsOptional,
  IsString,
  Matches,
  Max,
  MaxLength,
  Min,
  ValidateNested,
} from 'class-validator';

const COMPONENT_TYPES = ['HEADER', 'BODY', 'FOOTER', 'BUTTONS'];
const HEADER_FORMATS = ['TEXT', 'IMAGE', 'VIDEO', 'DOCUMENT', 'LOCATION'];
const BUTTON_TYPES = ['QUICK_REPLY', 'URL', 'PHONE_NUMBER', 'COPY_CODE', 'OTP', 'FLOW', 'VOICE_CALL'];

class TemplateButtonDto {
  @ApiProperty({ description: 'QUICK_REPLY, URL, PHONE_NUMBER, COPY_CODE, OTP, FLOW or VOICE_CALL.', enum: BUTTON_TYPES })
  @IsIn(BUTTON_TYPES)
  type!: string;

  @ApiProperty({ description: 'The button label (at most 25 characters for QUICK_REPLY, URL and PHONE_NUMBER).', required: false })
  @IsOptional()
  @IsString()
  @MaxLength(40)
  text?: string;

  @ApiProperty({ description: 'URL buttons: the target, optionally ending in one variable, e.g. https://shop.example/order/{{1}}.', required: false })
  @IsOptional()
  @IsString()
  @MaxLength(2000)
  url?: string;

  @ApiProperty({ description: 'PHONE_NUMBER buttons: the number to call (E.164).', required: false })
  @IsOptional()
  @IsString()
  @MaxLength(20)
  phone_number?: string;

  @ApiProperty({ description: 'Sample value(s): the full URL for a URL button with a variable, a sample code for COPY_CODE.', required: false })
  @IsOptional()
  example?: string | string[];

  @ApiProperty({ description: 'OTP buttons: COPY_CODE, ONE_TAP or ZERO_TAP.', required: false })
  @IsOptional()
  @IsIn(['COPY_CODE', 'ONE_TAP', 'ZERO_TAP'])
  otp_type?: string;

  @ApiProperty({ description: 'OTP ONE_TAP/ZERO_TAP: the Android apps that may autofill the code.', required: false })
  @IsOptional()
  @IsArray()
  @IsObject({ each: true })
  supported_apps?: Record<string, unknown>[];

  @ApiProperty({ description: 'OTP ZERO_TAP: that you accept the zero-tap terms.', required: false })
  @IsOptional()
  @IsBoolean()
  zero_tap_terms_accepted?: boolean;

  @ApiProperty({ description: 'FLOW buttons: the flow id.', required: false })
  @IsOptional()
  @IsString()
  flow_id?: string;

  @ApiProperty({ description: 'FLOW buttons: navigate or data_exchange.', required: false })
  @IsOptional()
  @IsString()
  flow_action?: string;

  @ApiProperty({ description: 'FLOW buttons: the first screen.', required: false })
  @IsOptional()
  @IsString()
  navigate_screen?: string;
}

class TemplateComponentDto {
  @ApiProperty({ description: 'HEADER, BODY, FOOTER or BUTTONS.', enum: COMPONENT_TYPES })
  @IsIn(COMPONENT_TYPES)
  type!: string;

  @ApiProperty({ description: 'HEADER only: TEXT (default), IMAGE, VIDEO, DOCUMENT or LOCATION.', required: false, enum: HEADER_FORMATS })
  @IsOptional()
  @IsIn(HEADER_FORMATS)
  format?: string;

  @ApiProperty({
    description: 'The text with variables: {{1}}, {{2}}… (POSITIONAL) or {{customer_name}} (NAMED). Header ≤ 60, body ≤ 1024, footer ≤ 60 characters.',
    required: false,
  })
  @IsOptional()
  @IsString()
  @MaxLength(1024)
  text?: string;

  @ApiProperty({
    description:
      'Sample values, required for every variable: body_text [["v1", "v2"]] or body_text_named_params [{ param_name, example }]; header_text ["v"] or header_text_named_params; header_handle for media headers.',
    required: false,
  })
  @IsOptional()
  @IsObject()
  example?: Record<string, unknown>;

  @ApiProperty({ description: 'BUTTONS only: 1 to 10 buttons.', required: false, type: [TemplateButtonDto] })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(10)
  @ValidateNested({ each: true })
  @Type(() => TemplateButtonDto)
  buttons?: TemplateButtonDto[];

  @ApiProperty({ description: 'AUTHENTICATION BODY: add the "do not share this code" line.', required: false })
  @IsOptional()
  @IsBoolean()
  add_security_recommendation?: boolean;

  @ApiProperty({ description: 'AUTHENTICATION FOOTER: code expiry in minutes (1-90).', required: false })
  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(90)
  code_expiration_minutes?: number;
}

/** `POST /v1/templates`: submit a new template to Meta for review. */
export class CreateTemplateDto {
  @ApiProperty({ description: "The number whose WABA gets the template (pn_… or Meta's numeric id); optional when the organization has one number.", required: false })
  @IsOptional()
  @IsString()
  @MaxLength(64)
  phone_number_id?: string;

  @ApiProperty({ description: 'Lower-case letters, digits and underscores, at most 512 characters.', example: 'order_update' })
  @IsString()
  @Matches(/^[a-z0-9_]{1,512}$/, { message: 'name must be 1-512 lower-case letters, digits or underscores' })
  name!: string;

  @ApiProperty({ description: 'AUTHENTICATION, MARKETING or UTILITY. Meta may re-categorize it.', enum: ['AUTHENTICATION', 'MARKETING', 'UTILITY'] })
  @IsIn(['AUTHENTICATION', 'MARKETING', 'UTILITY'])
  category!: 'AUTHENTICATION' | 'MARKETING' | 'UTILITY';

  @ApiProperty({ description: "Meta's language code, e.g. en_US, id, pt_BR.", example: 'en_US' })
  @IsString()
  @Matches(/^[a-z]{2,3}(_[A-Za-z0-9]{2,4})?$/, { message: 'language must be a language code such as en_US or id' })
  language!: string;

  @ApiProperty({ description: 'POSITIONAL ({{1}}) or NAMED ({{customer_name}}); inferred from the variables when omitted.', required: false, enum: ['POSITIONAL', 'NAMED'] })
  @IsOptional()
  @IsIn(['POSITIONAL', 'NAMED'])
  parameter_format?: 'POSITIONAL' | 'NAMED';

  @ApiProperty({ description: 'HEADER?, BODY, FOOTER?, BUTTONS? as Meta defines them.', type: [TemplateComponentDto] })
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(4)
  @ValidateNested({ each: true })
  @Type(() => TemplateComponentDto)
  components!: TemplateComponentDto[];

  @ApiProperty({ description: 'Let Meta change the category instead of rejecting the template.', required: false })
  @IsOptional()
  @IsBoolean()
  allow_category_change?: boolean;
}
