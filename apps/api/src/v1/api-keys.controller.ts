import { Body, Controller, Delete, Get, HttpCode, Param, Post } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import { ApiKeysService, CreateApiKeyDto, presentApiKey, type TenantContext } from '#domain';
import { Tenant } from '../http/tenant.decorator.js';

@ApiTags('api keys')
@Controller('v1/api_keys')
export class ApiKeysController {
  constructor(private readonly apiKeys: ApiKeysService) {}

  @Post()
  @HttpCode(201)
  @ApiOperation({ summary: 'Create an API key; the plaintext `key` is in this response only' })
  async create(@Tenant() ctx: TenantContext, @Body() body: CreateApiKeyDto) {
    const { apiKey, plaintext } = await this.apiKeys.create(ctx, body);
    return presentApiKey(apiKey, plaintext);
  }

  @Get()
  @ApiOperation({ summary: 'List the organization’s API keys (never their plaintext)' })
  async list(@Tenant() ctx: TenantContext) {
    const keys = await this.apiKeys.list(ctx);
    return { object: 'list', data: keys.map((k) => presentApiKey(k)), has_more: false, next_cursor: null };
  }

  @Delete(':id')
  @ApiOperation({ summary: 'Revoke an API key; it stops working immediately' })
  async revoke(@Tenant() ctx: TenantContext, @Param('id') id: string) {
    return presentApiKey(await this.apiKeys.revoke(ctx, id));
  }
}
