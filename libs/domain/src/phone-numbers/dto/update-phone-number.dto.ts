import { ApiProperty } from '@nestjs/swagger';
import { IsInt, IsOptional, IsString, Length, Matches, Max, Min } from 'class-validator';

/** `PATCH /v1/phone_numbers/{id}`. */
export class UpdatePhoneNumberDto {
  @ApiProperty({
    description: 'A new Graph API access token. It is verified with Meta first; a number paused because its token broke resumes sending.',
    required: false,
  })
  @IsOptional()
  @IsString()
  @Length(16, 4096)
  // It travels in an HTTP header, which carries only printable ASCII (Meta's tokens are ASCII anyway).
  @Matches(/^[\x21-\x7e]+$/, { message: 'access_token must be printable ASCII without whitespace' })
  access_token?: string;

  @ApiProperty({ description: 'Messages per second this number may send, 1 to 1000.', required: false, minimum: 1, maximum: 1000 })
  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(1000)
  throughput_per_second?: number;

  @ApiProperty({
    description: "Your own Meta app's secret for this number's webhook signatures; null returns to the platform's secret. Not for sandbox numbers.",
    required: false,
    nullable: true,
    type: String,
  })
  @IsOptional()
  @IsString()
  @Length(8, 256)
  @Matches(/^\S+$/, { message: 'app_secret must not contain whitespace' })
  app_secret?: string | null;
}
