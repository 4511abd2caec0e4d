import { Body, Controller, HttpCode, Param, Post, Req, UploadedFile, UseInterceptors } from '@nestjs/common';
import { FileInterceptor } from '@nestjs/platform-express';
import type { Request } from 'express';
import { MAX_UPLOAD_BYTES } from './media-rules.js';
import { SandboxRoute } from './sandbox-route.decorator.js';
import { assertGraphVersion } from './sandbox-http.util.js';
import { SandboxMediaService, type UploadedMediaFile } from './sandbox-media.service.js';
import { SandboxMessagingService } from './sandbox-messaging.service.js';
import { SandboxNumbersService } from './sandbox-numbers.service.js';

/** Graph API: sending (and mark-as-read) and media upload, as `/{version}/{phone_number_id}/...`. */
@Controller()
@SandboxRoute()
export class SandboxGraphMessagingController {
  constructor(
    private readonly numbers: SandboxNumbersService,
    private readonly messaging: SandboxMessagingService,
    private readonly media: SandboxMediaService,
  ) {}

  @Post(':version/:id/messages')
  @HttpCode(200)
  async send(@Param('version') version: string, @Param('id') id: string, @Req() req: Request, @Body() body: unknown) {
    assertGraphVersion(version, req);
    const caller = this.numbers.authenticate(req.headers.authorization, req.query.access_token);
    return this.messaging.send(this.numbers.ownedNumber(caller, id, 'POST'), body);
  }

  @Post(':version/:id/media')
  @HttpCode(200)
  @UseInterceptors(FileInterceptor('file', { limits: { fileSize: MAX_UPLOAD_BYTES + 1, files: 1 } }))
  upload(
    @Param('version') version: string,
    @Param('id') id: string,
    @Req() req: Request,
    @Body() fields: Record<string, unknown> | undefined,
    @UploadedFile() file: UploadedMediaFile | undefined,
  ) {
    assertGraphVersion(version, req);
    const caller = this.numbers.authenticate(req.headers.authorization, req.query.access_token);
    return this.media.upload(this.numbers.ownedNumber(caller, id, 'POST'), fields ?? {}, file);
  }
}
