import { All, Controller, Logger, Post, Req, Res } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import { StreamableHTTPServerTransport } from '@modelcontextprotocol/sdk/server/streamableHttp.js';
import type { Response } from 'express';
import { AppConfig } from '#config';
import { AppError, type OrganizationLimits, type RequestClass, type TenantContext } from '#domain';
import { Public } from '../http/public.decorator.js';
import { RequestAuthenticator } from '../http/request-authenticator.js';
import type { AppRequest } from '../http/request-types.js';
import {
  isSupportedProtocolVersion,
  JsonRpcCode,
  MCP_BATCH_PROTOCOL_VERSIONS,
  MCP_DEFAULT_PROTOCOL_VERSION,
  MCP_PROTOCOL_VERSIONS,
  sendJsonRpcError,
} from './mcp-protocol.js';
import { McpServerFactory } from './mcp-server-factory.js';
import { McpToolRegistry } from './mcp-tool-registry.js';

type RpcId = string | number | null;

/**
 * MCP over Streamable HTTP, stateless and single-shot JSON: each POST gets its own SDK server + transport (never
 * shared: a shared transport once leaked responses across tenants), no session ids, no SSE.
 *
 * The REST guard is skipped (@Public) because this endpoint authenticates itself: the rate-limit class depends on
 * the tool being called, which only the JSON-RPC body says.
 */
@Public()
@ApiExcludeController()
@Controller('mcp')
export class McpController {
  private readonly logger = new Logger('Mcp');
  private readonly allowedOrigins: ReadonlySet<string>;

  constructor(
    private readonly authenticator: RequestAuthenticator,
    private readonly registry: McpToolRegistry,
    private readonly servers: McpServerFactory,
    config: AppConfig,
  ) {
    this.allowedOrigins = new Set(config.mcpAllowedOrigins);
  }

  @Post()
  async post(@Req() req: AppRequest, @Res() res: Response): Promise<void> {
    try {
      await this.handle(req, res);
    } catch (err) {
      this.logger.error(
        { request_id: req.id, err: err instanceof Error ? { message: err.message, stack: err.stack } : err },
        'mcp request failed',
      );
      sendJsonRpcError(res, 500, JsonRpcCode.InternalError, 'Internal error', {
        id: singleId(req.body),
        data: { request_id: req.id },
      });
    }
  }

  private async handle(req: AppRequest, res: Response): Promise<void> {
    // DNS-rebinding protection: a browser page may only reach a local server from an origin we were told about.
    const origin = req.header('origin');
    if (origin !== undefined && !this.allowedOrigins.has(origin))
      return sendJsonRpcError(res, 403, JsonRpcCode.ServerError, `Forbidden: Origin ${origin} is not allowed`);

    const tenant = await this.authenticate(req, res);
    if (!tenant) return;
    const body: unknown = req.body;
    const messages = Array.isArray(body) ? body : body !== undefined && body !== null ? [body] : [];
    if (!(await this.admit(req, res, tenant.ctx, tenant.limits, messages))) return;

    const version = req.header('mcp-protocol-version');
    if (version !== undefined && !isSupportedProtocolVersion(version))
      return sendJsonRpcError(
        res,
        400,
        JsonRpcCode.ServerError,
        `Bad Request: Unsupported protocol version: ${version} (supported versions: ${MCP_PROTOCOL_VERSIONS.join(', ')})`,
      );
    if (Array.isArray(body)) {
      const spoken = version ?? MCP_DEFAULT_PROTOCOL_VERSION;
      if (!MCP_BATCH_PROTOCOL_VERSIONS.includes(spoken))
        return sendJsonRpcError(
          res,
          400,
          JsonRpcCode.InvalidRequest,
          `Invalid Request: JSON-RPC batches are not supported in protocol version ${spoken}`,
        );
      if (body.length === 0)
        return sendJsonRpcError(res, 400, JsonRpcCode.InvalidRequest, 'Invalid Request: empty batch');
    }

    const server = this.servers.create(tenant.ctx);
    const transport = new StreamableHTTPServerTransport({ sessionIdGenerator: undefined, enableJsonResponse: true });
    res.on('close', () => void server.close());
    await server.connect(transport);
    await transport.handleRequest(req, res, body);
  }

  /** GET would open a standalone SSE stream and DELETE would end a session: neither exists without sessions. */
  @All()
  notAllowed(@Res() res: Response): void {
    sendJsonRpcError(
      res,
      405,
      JsonRpcCode.ServerError,
      'Method Not Allowed: this MCP endpoint is stateless; use POST.',
      {
        headers: { Allow: 'POST' },
      },
    );
  }

  private async authenticate(
    req: AppRequest,
    res: Response,
  ): Promise<{ ctx: TenantContext; limits: OrganizationLimits } | undefined> {
    try {
      return await this.authenticator.authenticate(req, 'mcp');
    } catch (err) {
      if (!(err instanceof AppError) || err.status !== 401) throw err;
      sendJsonRpcError(res, 401, JsonRpcCode.Unauthorized, `Unauthorized: ${err.message}`, {
        data: { code: err.code, hint: err.hint },
        headers: { 'WWW-Authenticate': 'Bearer' },
      });
      return undefined;
    }
  }

  /**
   * One token per JSON-RPC request (a batch cannot buy many sends for one token), of the class of what it does;
   * notification-only posts take one read. A read-only key is admitted as a read: its write tools answer
   * insufficient_scope as a tool result the model can read.
   */
  private async admit(
    req: AppRequest,
    res: Response,
    ctx: TenantContext,
    limits: OrganizationLimits,
    messages: unknown[],
  ): Promise<boolean> {
    const classes: RequestClass[] = [];
    for (const m of messages) {
      if (!isRequest(m)) continue;
      const cls =
        m.method === 'tools/call' ? this.registry.accessOf((m.params as { name?: unknown } | undefined)?.name) : 'read';
      classes.push(cls === 'write' && ctx.scope === 'read_only' ? 'read' : cls);
    }
    if (!classes.length) classes.push('read');
    try {
      for (const cls of classes) await this.authenticator.admit(req, res, ctx, limits, cls);
      return true;
    } catch (err) {
      if (!(err instanceof AppError) || err.code !== 'rate_limited') throw err;
      sendJsonRpcError(res, 429, JsonRpcCode.ServerError, err.message, {
        id: messages.length === 1 && isRequest(messages[0]) ? messages[0].id : null,
        data: { code: err.code, retry_after: err.details.retry_after, hint: err.hint },
      });
      return false;
    }
  }
}

function isRequest(m: unknown): m is { method: string; id: RpcId; params?: unknown } {
  return typeof m === 'object' && m !== null && typeof (m as { method?: unknown }).method === 'string' && 'id' in m;
}

function singleId(body: unknown): RpcId {
  return isRequest(body) ? body.id : null;
}
