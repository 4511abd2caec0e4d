import { Injectable } from '@nestjs/common';
import { ApiProperty } from '@nestjs/swagger';
import { IsString, MaxLength } from 'class-validator';
import type { TenantContext } from '#domain';
import { presentContactNote } from '#domain/contacts/contact.presenter.js';
import { ContactsService } from '#domain/contacts/contacts.service.js';
import { CreateContactNoteDto } from '#domain/contacts/dto/create-contact-note.dto.js';
import { LOCAL_WRITE, type McpTool, type ToolOutput } from '../mcp-tool.js';

/** POST /v1/contacts/{id}/notes' body plus the id REST takes from the path. */
class AddContactNoteArgs extends CreateContactNoteDto {
  @ApiProperty({ description: 'The contact the note is about (ctc_…), from search_contacts or get_contact_context.' })
  @IsString()
  @MaxLength(64)
  contact_id: string;
}

@Injectable()
export class AddContactNoteTool implements McpTool<AddContactNoteArgs> {
  readonly name = 'add_contact_note';
  readonly title = 'Add a note to a contact';
  readonly description =
    'Adds an internal note to a contact (for example what they asked for, or a promise made to them). Notes are for your team ' +
    'and are never sent to the contact; get_contact_context shows the latest ones. Find the contact first with search_contacts.';
  readonly annotations = LOCAL_WRITE;
  readonly args = AddContactNoteArgs;
  readonly access = 'write';
  readonly defaultFormat = 'concise';
  readonly restTwin = 'POST /v1/contacts/{id}/notes';

  constructor(private readonly contacts: ContactsService) {}

  async run(ctx: TenantContext, { contact_id, ...input }: AddContactNoteArgs): Promise<ToolOutput> {
    const data = presentContactNote(await this.contacts.addNote(ctx, contact_id, input));
    return { data, summary: `Added note ${data.id} to contact ${contact_id}.` };
  }
}
