import path from 'node:path';
import { Inject, Injectable, Optional } from '@nestjs/common';
import { AppConfig } from '#config';
import { SANDBOX_OPTIONS, type SandboxOptions } from './sandbox.options.js';

/** The resolved options of this sandbox instance. */
@Injectable()
export class SandboxSettings {
  readonly mode: 'embedded' | 'standalone';
  readonly webhookUrl: string | undefined;
  readonly appSecret: string;
  readonly stateFile: string | null;

  constructor(config: AppConfig, @Optional() @Inject(SANDBOX_OPTIONS) options?: SandboxOptions) {
    this.mode = options?.mode ?? 'embedded';
    this.webhookUrl = options?.webhookUrl ?? (this.mode === 'embedded' ? `${config.selfUrl}/webhooks/meta` : config.sandboxWebhookUrl);
    this.appSecret = options?.appSecret ?? config.metaAppSecret;
    this.stateFile =
      options?.stateFile !== undefined
        ? options.stateFile
        : (config.sandboxStateFile ?? (config.embedded ? path.join(config.dataDir, 'sandbox-state.json') : null));
  }
}
