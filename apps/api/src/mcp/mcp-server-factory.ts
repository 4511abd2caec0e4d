import { Injectable } from '@nestjs/common';
import { Server } from '@modelcontextprotocol/sdk/server/index.js';
import { InitializeRequestSchema, ListToolsRequestSchema } from '@modelcontextprotocol/sdk/types.js';
import { AjvJsonSchemaValidator } from '@modelcontextprotocol/sdk/validation/ajv';
import * as z from 'zod/v4';
import type { TenantContext } from '#domain';
import { MCP_INSTRUCTIONS, MCP_SERVER_INFO, McpToolRegistry } from './mcp-tool-registry.js';

/**
 * Routes tools/call to our handler without the SDK's outer parse: the Server's own tools/call wrapper then
 * validates the request and answers -32602 for malformed params (the outer parse would answer -32603).
 */
const ToolsCallEnvelope = z.looseObject({ method: z.literal('tools/call') });

/**
 * The per-request object of the stateless recipe, kept cheap: a low-level SDK `Server` whose handlers return the
 * registry's precomputed answers. The JSON-schema validator (an Ajv instance the Server would otherwise build per
 * construction; tools never use it here) is shared.
 */
@Injectable()
export class McpServerFactory {
  private readonly validator = new AjvJsonSchemaValidator();

  constructor(private readonly registry: McpToolRegistry) {}

  create(ctx: TenantContext): Server {
    const server = new Server(MCP_SERVER_INFO, {
      capabilities: { tools: {} },
      instructions: MCP_INSTRUCTIONS,
      jsonSchemaValidator: this.validator,
    });
    const registry = this.registry;
    server.setRequestHandler(InitializeRequestSchema, (req) => registry.initializeResult(req.params.protocolVersion));
    server.setRequestHandler(ListToolsRequestSchema, () => registry.listToolsResult);
    server.setRequestHandler(ToolsCallEnvelope, (req) => {
      const params = req.params as { name: string; arguments?: unknown };
      return registry.call(ctx, params.name, params.arguments);
    });
    return server;
  }
}
