import { Controller, Get, Req, Res } from '@nestjs/common';
import type { Request, Response } from 'express';
import { SandboxRoute } from './sandbox-route.decorator.js';
import { MEDIA_DOWNLOAD_PATH, SandboxMediaService } from './sandbox-media.service.js';
import { SandboxNumbersService } from './sandbox-numbers.service.js';
import type { SandboxNumber } from './sandbox-state.types.js';

/** The short-lived media URLs GET /{media_id} hands out (Meta's are on lookaside.fbsbx.com). */
@Controller(MEDIA_DOWNLOAD_PATH)
@SandboxRoute()
export class SandboxMediaDownloadController {
  constructor(
    private readonly media: SandboxMediaService,
    private readonly numbers: SandboxNumbersService,
  ) {}

  @Get()
  download(@Req() req: Request, @Res() res: Response): void {
    let caller: SandboxNumber | undefined;
    try {
      caller = this.numbers.authenticate(req.headers.authorization, undefined);
    } catch {
      caller = undefined;
    }
    const result = this.media.download(req.query as Record<string, unknown>, caller);
    if (result.status !== 200) {
      res.status(result.status).type('text/plain').send(result.body);
      return;
    }
    res.status(200).setHeader('Content-Type', result.mime ?? 'application/octet-stream');
    if (result.filename) res.setHeader('Content-Disposition', `attachment; filename="${result.filename.replace(/"/g, '')}"`);
    res.send(result.body);
  }
}
