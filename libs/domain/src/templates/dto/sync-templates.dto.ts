import { ApiProperty } from '@nestjs/swagger';
import { IsOptional, IsString, MaxLength } from 'class-validator';

/** `POST /v1/templates/sync`. */
export class SyncTemplatesDto {
  @ApiProperty({
    description: "Sync the templates of this number's WABA (pn_… or Meta's numeric id); omitted, every connected number's WABA.",
    required: false,
  })
  @IsOptional()
  @IsString()
  @MaxLength(64)
  phone_number_id?: string;
}
