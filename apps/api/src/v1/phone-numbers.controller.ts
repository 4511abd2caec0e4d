import { Body, Controller, Delete, Get, HttpCode, Param, Patch, Post, Query } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import {
  ConnectPhoneNumberDto,
  listEnvelope,
  ListPhoneNumbersDto,
  PhoneNumbersService,
  presentPhoneNumber,
  UpdatePhoneNumberDto,
  type TenantContext,
} from '#domain';
import { Tenant } from '../http/tenant.decorator.js';

@ApiTags('phone numbers')
@Controller('v1/phone_numbers')
export class PhoneNumbersController {
  constructor(private readonly phoneNumbers: PhoneNumbersService) {}

  @Post()
  @HttpCode(201)
  @ApiOperation({ summary: 'Connect a WhatsApp number (verified with Meta, webhooks subscribed), or { "sandbox": true } for a sandbox number' })
  async connect(@Tenant() ctx: TenantContext, @Body() body: ConnectPhoneNumberDto) {
    return presentPhoneNumber(await this.phoneNumbers.connect(ctx, body));
  }

  @Get()
  @ApiOperation({ summary: 'List the organization’s numbers (never their credentials)' })
  async list(@Tenant() ctx: TenantContext, @Query() query: ListPhoneNumbersDto) {
    return listEnvelope(await this.phoneNumbers.list(ctx, query), presentPhoneNumber);
  }

  @Get(':id')
  @ApiOperation({ summary: 'One number, by pn_… id or Meta’s numeric phone_number_id' })
  async get(@Tenant() ctx: TenantContext, @Param('id') id: string) {
    return presentPhoneNumber(await this.phoneNumbers.get(ctx, id));
  }

  @Patch(':id')
  @ApiOperation({ summary: 'Replace the access token (verified; resumes a paused number), the throughput cap or the own app secret' })
  async update(@Tenant() ctx: TenantContext, @Param('id') id: string, @Body() body: UpdatePhoneNumberDto) {
    return presentPhoneNumber(await this.phoneNumbers.update(ctx, id, body));
  }

  @Delete(':id')
  @ApiOperation({ summary: 'Disconnect the number: no more sends or webhooks; history is kept' })
  async disconnect(@Tenant() ctx: TenantContext, @Param('id') id: string) {
    return presentPhoneNumber(await this.phoneNumbers.disconnect(ctx, id));
  }
}
