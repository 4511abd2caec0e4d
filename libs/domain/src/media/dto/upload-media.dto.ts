import { ApiProperty } from '@nestjs/swagger';
import { IsIn, IsOptional, IsString, MaxLength } from 'class-validator';

/**
 * The text fields of `POST /v1/media` (multipart/form-data; the bytes travel in the `file` part). The Cloud
 * API's own upload fields (messaging_product, type) are accepted too, so Meta-shaped clients work unchanged.
 */
export class UploadMediaDto {
  @ApiProperty({ description: "The number the media will be sent from (pn_… or Meta's numeric id); optional when the organization has one number.", required: false })
  @IsOptional()
  @IsString()
  @MaxLength(64)
  phone_number_id?: string;

  @ApiProperty({ description: 'Accepted for Cloud API compatibility; always whatsapp.', required: false, enum: ['whatsapp'] })
  @IsOptional()
  @IsIn(['whatsapp'])
  messaging_product?: string;

  @ApiProperty({ description: "Accepted for Cloud API compatibility: the file's MIME type; the file part's own type wins when both are given.", required: false })
  @IsOptional()
  @IsString()
  @MaxLength(255)
  type?: string;
}
