import { NestFactory } from '@nestjs/core';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { DocumentBuilder, SwaggerModule } from '@nestjs/swagger';
import type { AppConfig } from '#config';
import { Metrics, OrganizationsService, PinoLogger } from '#domain';
import { RedisService } from '#queue';
import { RedisIoAdapter } from '#realtime';
import { AppModule } from './app.module.js';
import { accessLog } from './http/access-log.middleware.js';
import { bodyParserErrorHandler, jsonBodyParser, requireJsonBody } from './http/body-parsers.js';
import { requestIdMiddleware } from './http/request-id.middleware.js';

export interface StartedApi {
  app: NestExpressApplication;
  url: string;
  /** Set on the first boot of an empty database. */
  bootstrap?: { organizationId: string; plaintextKey: string; generated: boolean };
  close(): Promise<void>;
}

/** Builds and starts the api process from a validated config; shared by main.ts and the tests. */
export async function startApi(config: AppConfig, opts: { logger?: PinoLogger } = {}): Promise<StartedApi> {
  const logger = opts.logger ?? new PinoLogger(config.logLevel);
  const app = await NestFactory.create<NestExpressApplication>(AppModule.forRoot(config), {
    bodyParser: false,
    logger,
    abortOnError: false,
  });
  app.set('trust proxy', true);
  app.disable('x-powered-by');
  app.use(requestIdMiddleware);
  app.use(accessLog(logger.pino, app.get(Metrics)));
  app.use(requireJsonBody);
  app.use(jsonBodyParser(config.bodyLimit));
  app.use(bodyParserErrorHandler);
  app.enableShutdownHooks();
  mountOpenApi(app);

  // Production: jobs evicted under memory pressure would be silently lost; refuse to start instead.
  await app.get(RedisService).assertNoEviction();

  // Production: Socket.IO rooms span every api process through Redis (workers publish with the emitter).
  if (config.redisUrl) app.useWebSocketAdapter(await RedisIoAdapter.connect(app, config));

  await app.init();
  const boot = await app.get(OrganizationsService).bootstrap(config.bootstrapApiKey);
  await app.listen(config.port, '0.0.0.0');
  const address = app.getHttpServer().address() as { port: number };
  return {
    app,
    url: `http://127.0.0.1:${address.port}`,
    bootstrap: boot.created ? boot : undefined,
    close: () => app.close(),
  };
}

function mountOpenApi(app: NestExpressApplication): void {
  const doc = SwaggerModule.createDocument(
    app,
    new DocumentBuilder()
      .setTitle('kdv WhatsApp API')
      .setDescription('Multi-tenant WhatsApp Cloud API backend: messages, conversations, contacts, templates.')
      .setVersion('1')
      .addBearerAuth({ type: 'http', scheme: 'bearer', description: 'kdv_live_… or kdv_test_… API key' })
      .addApiKey({ type: 'apiKey', in: 'header', name: 'X-API-Key' }, 'X-API-Key')
      .addSecurityRequirements('bearer')
      .build(),
  );
  SwaggerModule.setup('docs', app, () => doc, { jsonDocumentUrl: 'v1/openapi.json', useGlobalPrefix: false });
}
