import { Body, Controller, Get, Header, HttpCode, Param, Post, StreamableFile, UploadedFile, UseInterceptors } from '@nestjs/common';
import { FileInterceptor } from '@nestjs/platform-express';
import { ApiBody, ApiConsumes, ApiOperation, ApiTags } from '@nestjs/swagger';
import { MAX_MEDIA_BYTES, MediaService, presentMedia, UploadMediaDto, type TenantContext, type UploadedMediaFile } from '#domain';
import { MultipartIdempotencyInterceptor } from '../http/idempotency.interceptor.js';
import { Tenant } from '../http/tenant.decorator.js';

// No MCP tools: binary uploads and downloads do not fit tool arguments; sends reference the med_ ids.
@ApiTags('media')
@Controller('v1/media')
export class MediaController {
  constructor(private readonly media: MediaService) {}

  @Post()
  @HttpCode(201)
  @ApiConsumes('multipart/form-data')
  @ApiBody({
    schema: {
      type: 'object',
      required: ['file'],
      properties: { file: { type: 'string', format: 'binary' }, phone_number_id: { type: 'string' } },
    },
  })
  @ApiOperation({ summary: 'Upload a file for sending (multipart: file + phone_number_id); WhatsApp’s per-type limits apply' })
  // Memory storage (multer's default) under a hard cap: the largest size any WhatsApp type allows.
  // Idempotency runs after the upload is parsed, so the file is part of the request identity.
  @UseInterceptors(FileInterceptor('file', { defParamCharset: 'utf8', limits: { fileSize: MAX_MEDIA_BYTES, files: 1, fields: 10, parts: 12 } }), MultipartIdempotencyInterceptor)
  async upload(@Tenant() ctx: TenantContext, @UploadedFile() file: UploadedMediaFile | undefined, @Body() body: UploadMediaDto) {
    return presentMedia(await this.media.upload(ctx, { phoneNumberId: body.phone_number_id, file, declaredType: body.type }));
  }

  @Get(':id')
  @Header('X-Content-Type-Options', 'nosniff')
  @Header('Cache-Control', 'private, max-age=3600')
  @ApiOperation({ summary: 'The bytes of an uploaded or received media item (Content-Type and Content-Length set)' })
  async download(@Tenant() ctx: TenantContext, @Param('id') id: string) {
    const { media, data } = await this.media.download(ctx, id);
    // Only types a browser renders harmlessly are shown inline; anything else (a customer's document) downloads.
    const inline = /^(image\/(jpeg|png|webp)|audio\/|video\/)/.test(media.mimeType) || media.mimeType === 'application/pdf';
    const disposition = `${inline ? 'inline' : 'attachment'}${media.filename ? `; filename*=UTF-8''${encodeURIComponent(media.filename)}` : ''}`;
    return new StreamableFile(data, { type: media.mimeType, length: data.length, disposition });
  }
}
