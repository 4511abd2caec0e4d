import { Module } from '@nestjs/common';
import { WhatsAppModule } from '#whatsapp';
import { PhoneNumbersModule } from '../phone-numbers/phone-numbers.module.js';
import { MediaRepository } from './media.repository.js';
import { MediaService } from './media.service.js';

@Module({
  imports: [WhatsAppModule, PhoneNumbersModule],
  providers: [MediaRepository, MediaService],
  exports: [MediaService],
})
export class MediaModule {}
