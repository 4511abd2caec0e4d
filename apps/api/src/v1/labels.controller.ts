import { Body, Controller, Delete, Get, HttpCode, Param, Patch, Post, Put } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import { BulkLabelContactsDto, CreateLabelDto, LabelsService, presentLabel, UpdateLabelDto, type TenantContext } from '#domain';
import { Tenant } from '../http/tenant.decorator.js';

// No MCP tools: label administration is dashboard/REST work (see the MCP tool registry).
@ApiTags('labels')
@Controller('v1')
export class LabelsController {
  constructor(private readonly labels: LabelsService) {}

  @Post('labels')
  @HttpCode(201)
  @ApiOperation({ summary: 'Create a label (name unique per organization, color from the palette)' })
  async create(@Tenant() ctx: TenantContext, @Body() body: CreateLabelDto) {
    return presentLabel(await this.labels.create(ctx, body));
  }

  @Get('labels')
  @ApiOperation({ summary: 'List labels by name' })
  async list(@Tenant() ctx: TenantContext) {
    return { object: 'list', data: (await this.labels.list(ctx)).map(presentLabel), has_more: false, next_cursor: null };
  }

  @Get('labels/:id')
  async get(@Tenant() ctx: TenantContext, @Param('id') id: string) {
    return presentLabel(await this.labels.get(ctx, id));
  }

  @Patch('labels/:id')
  async update(@Tenant() ctx: TenantContext, @Param('id') id: string, @Body() body: UpdateLabelDto) {
    return presentLabel(await this.labels.update(ctx, id, body));
  }

  @Delete('labels/:id')
  @ApiOperation({ summary: 'Delete a label and detach it from every contact' })
  async delete(@Tenant() ctx: TenantContext, @Param('id') id: string) {
    return { ...presentLabel(await this.labels.delete(ctx, id)), deleted: true };
  }

  @Post('labels/:id/contacts')
  @HttpCode(200)
  @ApiOperation({ summary: 'Attach the label to up to 1,000 contacts; reports applied and skipped' })
  async attachMany(@Tenant() ctx: TenantContext, @Param('id') id: string, @Body() body: BulkLabelContactsDto) {
    return { object: 'label_bulk_result', ...(await this.labels.attach(ctx, id, body.contact_ids)) };
  }

  @Post('labels/:id/contacts/remove')
  @HttpCode(200)
  @ApiOperation({ summary: 'Detach the label from up to 1,000 contacts; reports applied and skipped' })
  async detachMany(@Tenant() ctx: TenantContext, @Param('id') id: string, @Body() body: BulkLabelContactsDto) {
    return { object: 'label_bulk_result', ...(await this.labels.detach(ctx, id, body.contact_ids)) };
  }

  @Get('contacts/:contactId/labels')
  async ofContact(@Tenant() ctx: TenantContext, @Param('contactId') contactId: string) {
    return { object: 'list', data: (await this.labels.labelsOfContact(ctx, contactId)).map(presentLabel), has_more: false, next_cursor: null };
  }

  @Put('contacts/:contactId/labels/:labelId')
  @ApiOperation({ summary: 'Attach one label to one contact (idempotent)' })
  async attach(@Tenant() ctx: TenantContext, @Param('contactId') contactId: string, @Param('labelId') labelId: string) {
    const labels = await this.labels.setOnContact(ctx, contactId, labelId, true);
    return { object: 'list', data: labels.map(presentLabel), has_more: false, next_cursor: null };
  }

  @Delete('contacts/:contactId/labels/:labelId')
  @ApiOperation({ summary: 'Detach one label from one contact (idempotent)' })
  async detach(@Tenant() ctx: TenantContext, @Param('contactId') contactId: string, @Param('labelId') labelId: string) {
    const labels = await this.labels.setOnContact(ctx, contactId, labelId, false);
    return { object: 'list', data: labels.map(presentLabel), has_more: false, next_cursor: null };
  }
}
