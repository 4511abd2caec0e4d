import { ApiProperty } from '@nestjs/swagger';
import { IsBoolean, IsInt, IsOptional, IsString, Length, Matches, Max, Min, ValidateIf } from 'class-validator';

const live = (o: ConnectPhoneNumberDto) => o.sandbox !== true;

/** `POST /v1/phone_numbers`: connect a Meta number with its credentials, or `{ "sandbox": true }` for a sandbox number. */
export class ConnectPhoneNumberDto {
  @ApiProperty({
    description:
      'true provisions a number in the built-in sandbox (no Meta account needed); phone_number_id, waba_id, access_token and app_secret must then be omitted.',
    required: false,
    default: false,
  })
  @IsOptional()
  @IsBoolean()
  sandbox?: boolean;

  @ApiProperty({ description: "Meta's numeric phone number id (WhatsApp Manager → API Setup). Required unless sandbox is true.", required: false, example: '106540352242922' })
  @ValidateIf(live)
  @IsString()
  @Matches(/^\d{1,32}$/, { message: 'phone_number_id must be the numeric id Meta shows for the number' })
  phone_number_id?: string;

  @ApiProperty({ description: 'The WhatsApp Business Account id the number belongs to. Required unless sandbox is true.', required: false, example: '102290129340398' })
  @ValidateIf(live)
  @IsString()
  @Matches(/^\d{1,32}$/, { message: 'waba_id must be the numeric WhatsApp Business Account id' })
  waba_id?: string;

  @ApiProperty({
    description: 'A Graph API access token with whatsapp_business_messaging and whatsapp_business_management (a system user token). Stored encrypted, never returned.',
    required: false,
  })
  @ValidateIf(live)
  @IsString()
  @Length(16, 4096)
  // It travels in an HTTP header, which carries only printable ASCII (Meta's tokens are ASCII anyway).
  @Matches(/^[\x21-\x7e]+$/, { message: 'access_token must be printable ASCII without whitespace' })
  access_token?: string;

  @ApiProperty({
    description: "The secret of your own Meta app, when the number's webhooks are signed by your app rather than the platform's. Stored encrypted.",
    required: false,
  })
  @IsOptional()
  @IsString()
  @Length(8, 256)
  @Matches(/^\S+$/, { message: 'app_secret must not contain whitespace' })
  app_secret?: string;

  @ApiProperty({ description: 'Sandbox only: the display number to give it (E.164); one is generated when omitted.', required: false, example: '+15550001234' })
  @IsOptional()
  @IsString()
  @Length(8, 20)
  display_phone_number?: string;

  @ApiProperty({ description: 'Sandbox only: the verified business name to give it.', required: false, example: 'Kedai Kopi' })
  @IsOptional()
  @IsString()
  @Length(1, 128)
  verified_name?: string;

  @ApiProperty({
    description: "Messages per second this number may send (Meta's default 80, up to 1000 after Meta's upgrade). Defaults from the number's throughput level.",
    required: false,
    minimum: 1,
    maximum: 1000,
  })
  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(1000)
  throughput_per_second?: number;
}
