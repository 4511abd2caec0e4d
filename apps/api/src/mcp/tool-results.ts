import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import type { AppError } from '#domain';
import type { ResponseFormat, ToolOutput } from './mcp-tool.js';

/**
 * Next steps for catalogued errors whose catalogue entry carries no hint, phrased for an assistant that can only
 * call tools. The catalogue's own hint wins when it has one.
 */
const MCP_HINTS: Record<string, string> = {
  not_found: 'Check the id: list_conversations, search_contacts and list_phone_numbers return valid ids.',
  invalid_state: 'Read the current state (get_conversation or get_contact_context) and retry with an allowed change.',
  not_a_sandbox_number: 'Use a sandbox number; list_phone_numbers shows which numbers are sandbox numbers.',
  already_exists: 'Look the existing object up (search_contacts) and update it instead.',
  upstream_unavailable: 'WhatsApp could not be reached; retry in a minute.',
  service_unavailable: 'Retry in a few seconds.',
  meta_verification_failed: 'The number needs new credentials; ask the account owner to reconnect it.',
};

export function errorResult(err: AppError, requestId?: string): CallToolResult {
  const body = {
    code: err.code,
    message: err.message,
    ...(err.param ? { param: err.param } : {}),
    ...(err.code === 'internal_error' && requestId ? { request_id: requestId } : {}),
  };
  const next = err.hint ?? MCP_HINTS[err.code] ?? 'Fix the arguments and retry.';
  return { content: [{ type: 'text', text: `${JSON.stringify(body)}\n${next}` }], isError: true };
}

export function successResult(out: ToolOutput, format: ResponseFormat): CallToolResult {
  if (format === 'concise') return { content: [{ type: 'text', text: out.summary }] };
  return { content: [{ type: 'text', text: JSON.stringify(out.data) }], structuredContent: out.data };
}
