/**
 * Who is calling, resolved from the API key. Every service method takes it first; repositories take its
 * organizationId. Built by the REST auth guard, the MCP endpoint, and (as a system context) by processors.
 */
export interface TenantContext {
  organizationId: string;
  /** The API key id, or null for system actors (processors, CLI, bootstrap). */
  apiKeyId: string | null;
  actorType: 'api_key' | 'system' | 'cli';
  scope: 'full' | 'read_only';
  /** Test keys may only use sandbox numbers. */
  keyMode: 'live' | 'test';
  /** Which front door the call came through: guard rails differ for assistant-driven sends. */
  via: 'rest' | 'mcp' | 'system' | 'realtime';
  requestId?: string;
}

export function systemContext(organizationId: string, requestId?: string): TenantContext {
  return { organizationId, apiKeyId: null, actorType: 'system', scope: 'full', keyMode: 'live', via: 'system', requestId };
}
