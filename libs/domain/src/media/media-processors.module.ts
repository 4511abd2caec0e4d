import { Module } from '@nestjs/common';
import { MediaDownloadProcessor } from './media-download.processor.js';
import { MediaModule } from './media.module.js';

/** Kept apart from MediaModule: a processor must be provided once, only where processors run (ProcessorsModule). */
@Module({ imports: [MediaModule], providers: [MediaDownloadProcessor] })
export class MediaProcessorsModule {}
