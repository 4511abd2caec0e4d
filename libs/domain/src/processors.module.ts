import { Module } from '@nestjs/common';

/**
 * Every queue processor of every feature. Loaded by the worker app and, in the embedded default, by the single
 * process, so both run the very same classes. Features add their processor-bearing modules to `imports`.
 */
@Module({ imports: [] })
export class ProcessorsModule {}
