import { Module } from '@nestjs/common';
import { PhoneNumbersModule } from '../phone-numbers/phone-numbers.module.js';
import { TemplateSyncProcessor } from './template-sync.processor.js';
import { TemplatesModule } from './templates.module.js';

/** Kept apart from TemplatesModule: a processor must be provided once, only where processors run (ProcessorsModule). */
@Module({ imports: [TemplatesModule, PhoneNumbersModule], providers: [TemplateSyncProcessor] })
export class TemplateProcessorsModule {}
