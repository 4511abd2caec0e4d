import { Module } from '@nestjs/common';
import { WhatsAppModule } from '#whatsapp';
import { SecretBox } from '../common/secret-box.js';
import { PhoneNumbersRepository } from './phone-numbers.repository.js';
import { PhoneNumbersService } from './phone-numbers.service.js';
import { SandboxInboundService } from './sandbox-inbound.service.js';

@Module({
  imports: [WhatsAppModule],
  providers: [PhoneNumbersRepository, PhoneNumbersService, SandboxInboundService, SecretBox],
  exports: [PhoneNumbersService, SandboxInboundService, SecretBox],
})
export class PhoneNumbersModule {}
