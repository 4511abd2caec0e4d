import { Body, Controller, Delete, Get, HttpCode, Param, Patch, Post, Put, Query } from '@nestjs/common';
import { phoneDigits } from './sandbox-ids.js';
import { SandboxBehaviorStore } from './sandbox-behavior.js';
import { SandboxRoute } from './sandbox-route.decorator.js';
import { SandboxFaults } from './sandbox-faults.js';
import { SandboxLedger } from './sandbox-ledger.js';
import { SandboxMessagingService } from './sandbox-messaging.service.js';
import { SandboxNumbersService } from './sandbox-numbers.service.js';
import { SandboxRateLimits } from './sandbox-rate-limits.js';
import { SandboxTemplatesService } from './sandbox-templates.service.js';
import { SandboxWebhookEmitter } from './sandbox-webhook.emitter.js';
import type { InboundInjection } from './inbound-message.builder.js';

/**
 * The sandbox's own test/admin API. No authentication: the sandbox is a local test double, and anyone who can reach
 * it can provision numbers, inject messages and faults. Never expose it beyond the machine or private network.
 */
@Controller('_sandbox')
@SandboxRoute()
export class SandboxAdminController {
  constructor(
    private readonly numbers: SandboxNumbersService,
    private readonly templates: SandboxTemplatesService,
    private readonly messaging: SandboxMessagingService,
    private readonly faults: SandboxFaults,
    private readonly behavior: SandboxBehaviorStore,
    private readonly ledger: SandboxLedger,
    private readonly emitter: SandboxWebhookEmitter,
    private readonly limits: SandboxRateLimits,
  ) {}

  @Post('phone_numbers')
  @HttpCode(201)
  provision(@Body() body: unknown) {
    const { number, waba, newWaba } = this.numbers.provision(body ?? {});
    const seed = (body as { seed_templates?: unknown } | undefined)?.seed_templates;
    if (newWaba && seed !== false) this.templates.seed(waba);
    return this.numbers.toProvisioned(number);
  }

  @Get('phone_numbers')
  listNumbers() {
    return { data: this.numbers.list().map((n) => this.numbers.toProvisioned(n)) };
  }

  @Patch('phone_numbers/:id')
  updateNumber(@Param('id') id: string, @Body() body: unknown) {
    return this.numbers.toProvisioned(this.numbers.update(id, body));
  }

  @Post('phone_numbers/:id/expire_token')
  @HttpCode(200)
  expireToken(@Param('id') id: string) {
    return this.numbers.toProvisioned(this.numbers.expireToken(id));
  }

  @Post('inbound')
  @HttpCode(200)
  inbound(@Body() body: InboundInjection) {
    return this.messaging.injectInbound(body);
  }

  @Post('templates/status')
  @HttpCode(200)
  templateStatus(@Body() body: unknown) {
    return { data: this.templates.setStatus(body).map((t) => this.templates.toGraph(t)) };
  }

  @Post('faults')
  @HttpCode(201)
  addFaults(@Body() body: unknown) {
    return { rules: this.faults.add(body) };
  }

  @Get('faults')
  listFaults() {
    return { rules: this.faults.list() };
  }

  @Delete('faults')
  clearFaults() {
    this.faults.clear();
    return { success: true };
  }

  @Put('webhook_behavior')
  setBehavior(@Body() body: unknown) {
    return this.behavior.set(body);
  }

  /** Changes only the fields given (PUT resets omitted fields to their defaults). */
  @Patch('webhook_behavior')
  patchBehavior(@Body() body: unknown) {
    return this.behavior.patch(body);
  }

  @Get('webhook_behavior')
  getBehavior() {
    return this.behavior.get();
  }

  @Get('ledger')
  ledgerQuery(@Query('phone_number_id') phoneNumberId?: string, @Query('biz_opaque_callback_data') callbackData?: string, @Query('to') to?: string) {
    return this.ledger.query({
      ...(phoneNumberId ? { phone_number_id: phoneNumberId } : {}),
      ...(callbackData !== undefined ? { biz_opaque_callback_data: callbackData } : {}),
      ...(to ? { to: phoneDigits(to) } : {}),
    });
  }

  /** Webhook delivery counters and the latest attempts (to wait for the sandbox to be idle). */
  @Get('webhooks')
  webhooks() {
    return this.emitter.stats();
  }

  /** Clears the ledger, faults, behaviour, rate-limit buckets and queued webhooks; numbers and templates stay. */
  @Post('reset')
  @HttpCode(200)
  reset() {
    this.ledger.clear();
    this.faults.clear();
    this.behavior.reset();
    this.limits.clear();
    this.emitter.clear();
    return { success: true };
  }
}
