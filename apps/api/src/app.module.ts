import { DynamicModule, Module, type ModuleMetadata } from '@nestjs/common';
import { RouterModule } from '@nestjs/core';
import { AppConfig, ConfigModule } from '#config';
import { DbModule } from '#db';
import { PlatformModule, ProcessorsModule } from '#domain';
import { QueueModule } from '#queue';
import { RealtimeModule } from '#realtime';
import { SandboxModule } from '#sandbox';
import { HealthController } from './health/health.controller.js';
import { HttpModule } from './http/http.module.js';
import { McpModule } from './mcp/mcp.module.js';
import { RealtimeGatewayModule } from './realtime/realtime-gateway.module.js';
import { V1Module } from './v1/v1.module.js';

/**
 * The api process. In the embedded default it also runs every queue processor and mounts the sandbox at
 * /sandbox, so one process is the whole product; in production it serves HTTP only and workers run processors.
 */
@Module({})
export class AppModule {
  static forRoot(config: AppConfig): DynamicModule {
    const imports: ModuleMetadata['imports'] = [
      ConfigModule.forRoot(config),
      DbModule,
      QueueModule,
      PlatformModule,
      RealtimeModule.forRoot({ role: 'api' }),
      RealtimeGatewayModule,
      HttpModule,
      V1Module,
      McpModule,
    ];
    if (config.runProcessors) imports.push(ProcessorsModule);
    if (config.sandboxMounted) imports.push(SandboxModule, RouterModule.register([{ path: 'sandbox', module: SandboxModule }]));
    return { module: AppModule, imports, controllers: [HealthController] };
  }
}
