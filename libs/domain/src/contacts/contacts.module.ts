import { Module } from '@nestjs/common';
import { ContactNotesRepository } from './contact-notes.repository.js';
import { ContactsRepository } from './contacts.repository.js';
import { ContactsService } from './contacts.service.js';

/** Contacts and their notes. Identity upserts (by phone, wa_id or Meta user id) are used by messages and ingest. */
@Module({
  providers: [ContactsRepository, ContactNotesRepository, ContactsService],
  exports: [ContactsService],
})
export class ContactsModule {}
