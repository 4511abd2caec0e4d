import { Controller, Delete, Param } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import { ContactErasureService, type TenantContext } from '#domain';
import { Tenant } from '../http/tenant.decorator.js';

// No MCP tool: erasing a person's data is irreversible and left to people (REST), never to an assistant.
@ApiTags('contacts')
@Controller('v1/contacts')
export class ContactErasureController {
  constructor(private readonly erasure: ContactErasureService) {}

  @Delete(':id')
  @ApiOperation({
    summary:
      'Erase a contact and everything stored about them: conversations, messages, notes, labels, media they sent',
  })
  async erase(@Tenant() ctx: TenantContext, @Param('id') id: string) {
    const r = await this.erasure.erase(ctx, id);
    const e = r.erased;
    return {
      object: 'contact',
      id: r.contactId,
      deleted: true,
      erased: {
        messages: e.messages,
        conversations: e.conversations,
        notes: e.notes,
        labels: e.labels,
        media: e.media,
        broadcast_recipients: e.broadcastRecipients,
        webhook_deliveries: e.webhookDeliveries,
        audit_rows_scrubbed: e.auditRowsScrubbed,
        raw_payloads: e.rawPayloads,
      },
    };
  }
}
