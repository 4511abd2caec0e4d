import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsBoolean, IsOptional, IsString, IsUrl, MaxLength, MinLength } from 'class-validator';

export const URL_OPTIONS = { protocols: ['http', 'https'], require_protocol: true, require_tld: false };

/** A media object by id (an uploaded media: our med_… id or Meta's media id) or by a public link — exactly one. */
export class MediaRefDto {
  @ApiPropertyOptional({ description: 'Media id: our med_… id from POST /v1/media, or a Meta media id. Give id or link.' })
  @IsOptional()
  @IsString()
  @MinLength(1)
  @MaxLength(256)
  id?: string;

  @ApiPropertyOptional({ description: 'Public https URL Meta downloads the media from. Give id or link.' })
  @IsOptional()
  @IsUrl(URL_OPTIONS)
  @MaxLength(2048)
  link?: string;
}

export class ImageBodyDto extends MediaRefDto {
  @ApiPropertyOptional({ description: 'Caption, at most 1024 characters. JPEG or PNG, at most 5 MB.' })
  @IsOptional()
  @IsString()
  @MaxLength(1024)
  caption?: string;
}

export class VideoBodyDto extends MediaRefDto {
  @ApiPropertyOptional({ description: 'Caption, at most 1024 characters. MP4 or 3GPP, at most 16 MB.' })
  @IsOptional()
  @IsString()
  @MaxLength(1024)
  caption?: string;
}

export class AudioBodyDto extends MediaRefDto {
  @ApiPropertyOptional({ description: 'Send as a voice message (OGG/OPUS). AAC, AMR, MP3, MP4 or OGG, at most 16 MB.' })
  @IsOptional()
  @IsBoolean()
  voice?: boolean;
}

export class DocumentBodyDto extends MediaRefDto {
  @ApiPropertyOptional({ description: 'Caption, at most 1024 characters. Any document type, at most 100 MB.' })
  @IsOptional()
  @IsString()
  @MaxLength(1024)
  caption?: string;

  @ApiPropertyOptional({ description: 'File name shown to the recipient.' })
  @IsOptional()
  @IsString()
  @MaxLength(240)
  filename?: string;
}

/** WebP: at most 100 KB static, 500 KB animated. */
export class StickerBodyDto extends MediaRefDto {}

