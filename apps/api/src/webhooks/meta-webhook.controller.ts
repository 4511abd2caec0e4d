import { Controller, Get, HttpCode, Post, Query, Req, Res } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import type { Response } from 'express';
import { MetaWebhooksService } from '#domain';
import { Public } from '../http/public.decorator.js';
import type { AppRequest } from '../http/request-types.js';

/** Meta's webhook endpoint. Public: Meta proves itself with X-Hub-Signature-256, checked by the service. */
@ApiExcludeController()
@Public()
@Controller('webhooks/meta')
export class MetaWebhookController {
  constructor(private readonly webhooks: MetaWebhooksService) {}

  /** Subscription handshake: echo hub.challenge exactly, as text, when hub.verify_token is ours. */
  @Get()
  handshake(
    @Query('hub.mode') mode: unknown,
    @Query('hub.verify_token') token: unknown,
    @Query('hub.challenge') challenge: unknown,
    @Res() res: Response,
  ): void {
    const answer = this.webhooks.handshake(mode, token, challenge);
    if (answer === null) res.status(403).type('text/plain').send('Forbidden');
    else res.status(200).type('text/plain').send(answer);
  }

  /** 200 only once the payload is stored; ingest runs on the inbound-events queue. */
  @Post()
  @HttpCode(200)
  async receive(@Req() req: AppRequest) {
    await this.webhooks.receive(req.rawBody, req.header('x-hub-signature-256'), req.body);
    return { received: true };
  }
}
