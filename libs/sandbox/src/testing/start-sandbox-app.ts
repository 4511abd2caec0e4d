import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Module, type DynamicModule } from '@nestjs/common';
import { NestFactory, RouterModule } from '@nestjs/core';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { AppConfig, ConfigModule } from '#config';
import type { GraphCredentials } from '#whatsapp';
import { SandboxAdminClient } from '../sandbox-admin.client.js';
import type { ProvisionedNumber } from '../sandbox-numbers.service.js';
import { SandboxModule } from '../sandbox.module.js';

export interface SandboxTestApp {
  app: NestExpressApplication;
  /** Graph base URL (`…/sandbox` when mounted). */
  baseUrl: string;
  admin: SandboxAdminClient;
  creds(n: ProvisionedNumber): GraphCredentials;
  close(): Promise<void>;
}

export interface SandboxTestAppOptions {
  appSecret: string;
  webhookUrl?: string;
  stateFile?: string | null;
  /** Mount under /sandbox with RouterModule, as the embedded product does (default: served at the root). */
  mounted?: boolean;
}

@Module({})
class SandboxTestModule {
  static forRoot(config: AppConfig, opts: SandboxTestAppOptions): DynamicModule {
    return {
      module: SandboxTestModule,
      imports: [
        ConfigModule.forRoot(config),
        SandboxModule.forRoot({ mode: 'standalone', appSecret: opts.appSecret, webhookUrl: opts.webhookUrl, stateFile: opts.stateFile ?? null }),
        ...(opts.mounted ? [RouterModule.register([{ path: 'sandbox', module: SandboxModule }])] : []),
      ],
    };
  }
}

/** Boots the SandboxModule in a real Nest app on an ephemeral port (tests talk to it over HTTP). */
export async function startSandboxApp(opts: SandboxTestAppOptions): Promise<SandboxTestApp> {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'kdv-sandbox-'));
  const config = new AppConfig({ DATA_DIR: dataDir, META_APP_SECRET: opts.appSecret, LOG_LEVEL: 'silent' });
  const app = await NestFactory.create<NestExpressApplication>(SandboxTestModule.forRoot(config, opts), { logger: false, abortOnError: false });
  await app.listen(0, '127.0.0.1');
  const { port } = app.getHttpServer().address() as { port: number };
  const baseUrl = `http://127.0.0.1:${port}${opts.mounted ? '/sandbox' : ''}`;
  return {
    app,
    baseUrl,
    admin: new SandboxAdminClient(baseUrl),
    creds: (n) => ({ baseUrl, version: 'v24.0', accessToken: n.access_token }),
    close: async () => {
      await app.close();
      fs.rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
