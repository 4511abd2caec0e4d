import { Module } from '@nestjs/common';
import { WhatsAppModule } from '#whatsapp';
import { PhoneNumbersModule } from '../phone-numbers/phone-numbers.module.js';
import { TemplatesRepository } from './templates.repository.js';
import { TemplatesService } from './templates.service.js';

@Module({
  imports: [WhatsAppModule, PhoneNumbersModule],
  providers: [TemplatesRepository, TemplatesService],
  exports: [TemplatesService],
})
export class TemplatesModule {}
