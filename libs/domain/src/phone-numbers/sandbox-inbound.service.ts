import { Injectable } from '@nestjs/common';
import { AppError } from '../common/app-error.js';
import { normalizePhone } from '../common/phone.js';
import type { TenantContext } from '../common/tenant-context.js';
import { INBOUND_TYPES, type SandboxInboundDto } from './dto/sandbox-inbound.dto.js';
import { PhoneNumbersService } from './phone-numbers.service.js';
import { describeSandboxError } from './sandbox-error.js';

const MEDIA_TYPES = ['image', 'video', 'audio', 'document', 'sticker'];

/**
 * Makes the sandbox deliver an inbound message to a sandbox number, through the real path: the sandbox signs and
 * posts a Meta webhook to /webhooks/meta, and ingest handles it like any other.
 */
@Injectable()
export class SandboxInboundService {
  constructor(private readonly phoneNumbers: PhoneNumbersService) {}

  async inject(ctx: TenantContext, input: SandboxInboundDto): Promise<{ wamid: string; delivered: boolean }> {
    const number = await this.phoneNumbers.resolve(ctx, input.phone_number_id);
    if (!number.isSandbox) throw new AppError('not_a_sandbox_number', undefined, { param: 'phone_number_id' });
    if (number.status === 'disconnected') throw new AppError('invalid_state', `Phone number ${number.id} is disconnected.`, { param: 'phone_number_id' });
    checkTypeBody(input);
    const from = input.from === '' ? '' : normalizePhone(input.from, 'from').slice(1);
    if (from === '' && !input.user_id) throw AppError.validation('from', 'from is required unless user_id names a username-only user.');

    const { phone_number_id: _ours, from: _from, ...rest } = input;
    try {
      const r = await this.phoneNumbers.sandboxAdmin().injectInbound({ ...rest, phone_number_id: number.metaPhoneNumberId, from });
      return { wamid: r.wamid, delivered: r.delivered };
    } catch (err) {
      const { status, message } = describeSandboxError(err);
      if (status === 400) throw AppError.validation('body', `The sandbox refused the message: ${message}`);
      if (status === 404) throw new AppError('invalid_state', `The sandbox no longer knows number ${number.metaPhoneNumberId}: ${message}`);
      throw new AppError('upstream_unavailable', `The sandbox could not be reached: ${message}`);
    }
  }
}

/** The body named by `type` is present (media bodies may be empty: the sandbox makes a placeholder file), no other. */
function checkTypeBody(input: SandboxInboundDto): void {
  const bodies = input as unknown as Record<string, unknown>;
  for (const other of INBOUND_TYPES)
    if (other !== input.type && bodies[other] !== undefined) throw AppError.validation(other, `${other} is not allowed with type ${input.type}.`);
  if (bodies[input.type] === undefined && !MEDIA_TYPES.includes(input.type) && input.type !== 'unsupported')
    throw AppError.validation(input.type, `type ${input.type} needs a ${input.type} object.`);
  if (input.type === 'interactive') {
    const i = input.interactive!;
    if ((i as unknown as Record<string, unknown>)[i.type] === undefined) throw AppError.validation(`interactive.${i.type}`, `interactive.${i.type} is required.`);
  }
  if (input.type === 'contacts') {
    input.contacts!.forEach((c, k) => {
      const name = c.name as { formatted_name?: unknown } | undefined;
      if (typeof name?.formatted_name !== 'string' || !name.formatted_name)
        throw AppError.validation(`contacts[${k}].name.formatted_name`, 'Each contact needs name.formatted_name.');
    });
  }
}
