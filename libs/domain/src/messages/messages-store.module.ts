import { Module } from '@nestjs/common';
import { MessagesRepository } from './messages.repository.js';

/**
 * The message table's repository on its own, so conversations (which show messages) and messages (which upsert
 * conversations) can both read it without a module cycle.
 */
@Module({ providers: [MessagesRepository], exports: [MessagesRepository] })
export class MessagesStoreModule {}
