import { Body, Controller, Get, HttpCode, Param, Post, Query } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import { ListMessagesDto, listEnvelope, MessagesService, presentMessage, ScheduledSends, SendMessageDto, type TenantContext } from '#domain';
import { Tenant } from '../http/tenant.decorator.js';

@ApiTags('messages')
@Controller('v1/messages')
export class MessagesController {
  constructor(
    private readonly messages: MessagesService,
    private readonly scheduled: ScheduledSends,
  ) {}

  @Post()
  @HttpCode(202)
  @ApiOperation({ summary: 'Send a WhatsApp message of any type; accepted as queued (or scheduled with send_at), delivered asynchronously' })
  async send(@Tenant() ctx: TenantContext, @Body() body: SendMessageDto) {
    return presentMessage(await this.messages.send(ctx, body));
  }

  @Get()
  @ApiOperation({ summary: 'List and search messages (q: full-text over texts and captions), newest first' })
  async list(@Tenant() ctx: TenantContext, @Query() query: ListMessagesDto) {
    return listEnvelope(await this.messages.list(ctx, query), presentMessage);
  }

  @Get(':id')
  @ApiOperation({ summary: 'A message with its status, per-status timestamps and failure reason' })
  async get(@Tenant() ctx: TenantContext, @Param('id') id: string) {
    return presentMessage(await this.messages.get(ctx, id));
  }

  @Post(':id/cancel')
  @HttpCode(200)
  @ApiOperation({ summary: 'Cancel a scheduled message before its send_at (status canceled; repeating it is harmless)' })
  async cancel(@Tenant() ctx: TenantContext, @Param('id') id: string) {
    return presentMessage(await this.scheduled.cancel(ctx, id));
  }

  @Post(':id/typing')
  @HttpCode(200)
  @ApiOperation({ summary: 'Show a typing indicator in reply to an inbound message (also marks it read)' })
  async typing(@Tenant() ctx: TenantContext, @Param('id') id: string) {
    return this.messages.typing(ctx, id);
  }
}
