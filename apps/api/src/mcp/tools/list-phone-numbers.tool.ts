import { Injectable } from '@nestjs/common';
import { listEnvelope, type TenantContext } from '#domain';
import { ListPhoneNumbersDto } from '#domain/phone-numbers/dto/list-phone-numbers.dto.js';
import { presentPhoneNumber } from '#domain/phone-numbers/phone-number.presenter.js';
import { PhoneNumbersService } from '#domain/phone-numbers/phone-numbers.service.js';
import { READ_ONLY, type McpTool, type ToolOutput } from '../mcp-tool.js';
import { listSummary, phoneNumberLine } from './summaries.js';

@Injectable()
export class ListPhoneNumbersTool implements McpTool<ListPhoneNumbersDto> {
  readonly name = 'list_phone_numbers';
  readonly title = 'List WhatsApp numbers';
  readonly description =
    "Call this first. Lists the organization's WhatsApp business numbers: our id (pn_…), Meta's numeric phone_number_id, " +
    'the display number, status (active, paused, disconnected) and whether it is a sandbox number. ' +
    'Messages go out from one of these; pass its id as phone_number_id to send_message, list_templates and list_conversations ' +
    '(optional when the organization has exactly one number).';
  readonly annotations = READ_ONLY;
  readonly args = ListPhoneNumbersDto;
  readonly access = 'read';
  readonly defaultFormat = 'concise';
  readonly restTwin = 'GET /v1/phone_numbers';

  constructor(private readonly phoneNumbers: PhoneNumbersService) {}

  async run(ctx: TenantContext, args: ListPhoneNumbersDto): Promise<ToolOutput> {
    const data = listEnvelope(await this.phoneNumbers.list(ctx, args), presentPhoneNumber);
    return { data, summary: listSummary(data, ['phone number', 'phone numbers'], phoneNumberLine) };
  }
}
