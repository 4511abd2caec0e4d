import { Body, Controller, Get, HttpCode, Param, Post, Query } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import {
  AddBroadcastRecipientsDto,
  BroadcastsService,
  CreateBroadcastDto,
  ListBroadcastRecipientsDto,
  ListBroadcastsDto,
  listEnvelope,
  presentBroadcast,
  presentBroadcastRecipient,
  type TenantContext,
} from '#domain';
import { Tenant } from '../http/tenant.decorator.js';

// No MCP tools: bulk sends are deliberately left to REST (see the MCP tool registry).
@ApiTags('broadcasts')
@Controller('v1/broadcasts')
export class BroadcastsController {
  constructor(private readonly broadcasts: BroadcastsService) {}

  @Post()
  @HttpCode(201)
  @ApiOperation({ summary: 'Create a broadcast draft: one number, one APPROVED template, optional default components' })
  async create(@Tenant() ctx: TenantContext, @Body() body: CreateBroadcastDto) {
    return presentBroadcast(await this.broadcasts.create(ctx, body));
  }

  @Get()
  @ApiOperation({ summary: 'List broadcasts with their counters, newest first' })
  async list(@Tenant() ctx: TenantContext, @Query() query: ListBroadcastsDto) {
    return listEnvelope(await this.broadcasts.list(ctx, query), presentBroadcast);
  }

  @Get(':id')
  @ApiOperation({
    summary: 'A broadcast with its counters: pending, sent, delivered, read, failed, replied, skipped, canceled',
  })
  async get(@Tenant() ctx: TenantContext, @Param('id') id: string) {
    return presentBroadcast(await this.broadcasts.get(ctx, id));
  }

  @Post(':id/recipients')
  @HttpCode(200)
  @ApiOperation({
    summary: 'Add up to 1,000 recipients to a draft; duplicates and invalid entries are reported per index',
  })
  async addRecipients(@Tenant() ctx: TenantContext, @Param('id') id: string, @Body() body: AddBroadcastRecipientsDto) {
    const r = await this.broadcasts.addRecipients(ctx, id, body);
    return {
      object: 'broadcast_recipients_result',
      broadcast_id: id,
      added: r.added,
      duplicates: r.duplicates,
      invalid: r.invalid,
      total_recipients: r.totalRecipients,
    };
  }

  @Get(':id/recipients')
  @ApiOperation({ summary: "A broadcast's recipients in the order they were added, with their message's status" })
  async recipients(@Tenant() ctx: TenantContext, @Param('id') id: string, @Query() query: ListBroadcastRecipientsDto) {
    return listEnvelope(await this.broadcasts.listRecipients(ctx, id, query), presentBroadcastRecipient);
  }

  @Post(':id/send')
  @HttpCode(202)
  @ApiOperation({ summary: "Start sending a draft (idempotent); sends are paced to the number's throughput" })
  async send(@Tenant() ctx: TenantContext, @Param('id') id: string) {
    return presentBroadcast(await this.broadcasts.send(ctx, id));
  }

  @Post(':id/cancel')
  @HttpCode(200)
  @ApiOperation({ summary: 'Cancel: pending recipients and messages not yet handed to a worker are canceled' })
  async cancel(@Tenant() ctx: TenantContext, @Param('id') id: string) {
    return presentBroadcast(await this.broadcasts.cancel(ctx, id));
  }
}
