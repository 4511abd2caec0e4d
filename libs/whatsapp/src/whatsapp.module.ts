import { Module } from '@nestjs/common';
import { GraphClient } from './graph.client.js';

/** Provides the GraphClient (default options; provide GRAPH_CLIENT_OPTIONS to change its timeouts). */
@Module({ providers: [GraphClient], exports: [GraphClient] })
export class WhatsAppModule {}
