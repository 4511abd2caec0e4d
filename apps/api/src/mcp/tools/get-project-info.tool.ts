import { Injectable } from '@nestjs/common';
import { OrganizationsService, presentOrganization, type TenantContext } from '#domain';
import { PhoneNumbersService } from '#domain/phone-numbers/phone-numbers.service.js';
import { NoArgs, READ_ONLY, type McpTool, type ToolOutput } from '../mcp-tool.js';

@Injectable()
export class GetProjectInfoTool implements McpTool<NoArgs> {
  readonly name = 'get_project_info';
  readonly title = 'Get project info';
  readonly description =
    'The organization this API key belongs to: its id, name, plan, rate limits (writes and reads per minute, phone numbers allowed) ' +
    'and how many WhatsApp numbers are connected. ' +
    'Use it to tell the user which account the assistant is acting for, or before a large batch of sends to check the write limit.';
  readonly annotations = READ_ONLY;
  readonly args = NoArgs;
  readonly access = 'read';
  readonly defaultFormat = 'concise';
  readonly restTwin = 'GET /v1/me';

  constructor(
    private readonly organizations: OrganizationsService,
    private readonly phoneNumbers: PhoneNumbersService,
  ) {}

  async run(ctx: TenantContext): Promise<ToolOutput> {
    const { organization, limits } = await this.organizations.get(ctx);
    const data = presentOrganization(organization, limits, { phone_numbers_count: await this.connectedNumbers(ctx) });
    return {
      data,
      summary:
        `Organization ${data.name} (${data.id}), plan ${data.plan}. ` +
        `Limits: ${data.limits.writes_per_minute} writes/min, ${data.limits.reads_per_minute} reads/min, ` +
        `${data.phone_numbers_count} of up to ${data.limits.phone_numbers} phone numbers connected.`,
    };
  }

  /** Active or paused numbers (the plan counts connected ones); organizations have a handful, so paging is cheap. */
  private async connectedNumbers(ctx: TenantContext): Promise<number> {
    let count = 0;
    let cursor: string | undefined;
    do {
      const page = await this.phoneNumbers.list(ctx, { limit: 100, cursor });
      count += page.data.filter((n) => n.status !== 'disconnected').length;
      cursor = page.nextCursor ?? undefined;
    } while (cursor);
    return count;
  }
}
