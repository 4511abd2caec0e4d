import { Injectable } from '@nestjs/common';
import { listEnvelope, type TenantContext } from '#domain';
import { ListTemplatesDto } from '#domain/templates/dto/list-templates.dto.js';
import { presentTemplate } from '#domain/templates/template.presenter.js';
import { TemplatesService } from '#domain/templates/templates.service.js';
import { READ_ONLY, type McpTool, type ToolOutput } from '../mcp-tool.js';
import { listSummary, templateLine } from './summaries.js';

@Injectable()
export class ListTemplatesTool implements McpTool<ListTemplatesDto> {
  readonly name = 'list_templates';
  readonly title = 'List message templates';
  readonly description =
    'Lists the approved message templates a number can send (pass status to see PENDING, REJECTED… ones). ' +
    'Use it when a contact has not written in the last 24 hours: outside that window only a template can be sent ' +
    '(send_message with type "template", the template name, language code and the parameters listed here). ' +
    'Get phone_number_id from list_phone_numbers.';
  readonly annotations = READ_ONLY;
  readonly args = ListTemplatesDto;
  readonly access = 'read';
  readonly defaultFormat = 'concise';
  readonly restTwin = 'GET /v1/templates';
  readonly defaults = { status: 'APPROVED' };

  constructor(private readonly templates: TemplatesService) {}

  async run(ctx: TenantContext, args: ListTemplatesDto): Promise<ToolOutput> {
    const data = listEnvelope(await this.templates.list(ctx, args), (v) =>
      presentTemplate(v.template, v.phoneNumberIds),
    );
    const summary = listSummary(data, ['template', 'templates'], templateLine);
    return {
      data,
      summary:
        data.data.length || args.status !== 'APPROVED'
          ? summary
          : 'No approved templates found (pass status to see others).',
    };
  }
}
