import { Body, Controller, Delete, Get, HttpCode, Param, Post, Query } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import {
  CreateTemplateDto,
  listEnvelope,
  ListTemplatesDto,
  presentTemplate,
  SyncTemplatesDto,
  TemplatesService,
  type TemplateView,
  type TenantContext,
} from '#domain';
import { Tenant } from '../http/tenant.decorator.js';

const present = (v: TemplateView) => presentTemplate(v.template, v.phoneNumberIds);

@ApiTags('templates')
@Controller('v1/templates')
export class TemplatesController {
  constructor(private readonly templates: TemplatesService) {}

  @Get()
  @ApiOperation({ summary: 'List templates (filters: phone_number_id, status, name); each says which parameters a send needs' })
  async list(@Tenant() ctx: TenantContext, @Query() query: ListTemplatesDto) {
    return listEnvelope(await this.templates.list(ctx, query), present);
  }

  @Post('sync')
  @HttpCode(200)
  @ApiOperation({ summary: 'Sync templates from Meta now, for one number’s WABA or all; templates gone at Meta become DELETED' })
  async sync(@Tenant() ctx: TenantContext, @Body() body: SyncTemplatesDto) {
    const results = await this.templates.sync(ctx, body.phone_number_id);
    return {
      object: 'template_sync',
      results: results.map((r) => ({
        phone_number_id: r.phoneNumberId,
        waba_id: r.wabaId,
        total: r.total,
        created: r.created,
        updated: r.updated,
        unchanged: r.unchanged,
        deleted: r.deleted,
      })),
    };
  }

  @Get(':id')
  async get(@Tenant() ctx: TenantContext, @Param('id') id: string) {
    return present(await this.templates.get(ctx, id));
  }

  @Post()
  @HttpCode(201)
  @ApiOperation({ summary: 'Submit a template to Meta for review; it is PENDING until Meta’s status webhook' })
  async create(@Tenant() ctx: TenantContext, @Body() body: CreateTemplateDto) {
    return present(await this.templates.create(ctx, body));
  }

  @Delete(':id')
  @ApiOperation({ summary: 'Delete at Meta (every language of the name) and mark DELETED here' })
  async remove(@Tenant() ctx: TenantContext, @Param('id') id: string) {
    return present(await this.templates.remove(ctx, id));
  }
}
