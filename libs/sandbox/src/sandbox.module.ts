import { Module, type DynamicModule } from '@nestjs/common';
import { SandboxAdminController } from './sandbox-admin.controller.js';
import { SandboxBehaviorStore } from './sandbox-behavior.js';
import { SandboxFallbackController } from './sandbox-fallback.controller.js';
import { SandboxFaults } from './sandbox-faults.js';
import { SandboxGraphManagementController } from './sandbox-graph-management.controller.js';
import { SandboxGraphMessagingController } from './sandbox-graph-messaging.controller.js';
import { SandboxLedger } from './sandbox-ledger.js';
import { SandboxMediaDownloadController } from './sandbox-media-download.controller.js';
import { SandboxMediaService } from './sandbox-media.service.js';
import { SandboxMessagingService } from './sandbox-messaging.service.js';
import { SandboxNumbersService } from './sandbox-numbers.service.js';
import { SandboxRateLimits } from './sandbox-rate-limits.js';
import { SandboxSettings } from './sandbox-settings.js';
import { SandboxStore } from './sandbox.store.js';
import { SandboxTemplatesService } from './sandbox-templates.service.js';
import { SandboxWebhookEmitter } from './sandbox-webhook.emitter.js';
import { SANDBOX_OPTIONS, type SandboxOptions } from './sandbox.options.js';

/**
 * The fake WhatsApp Cloud API (Graph API + Meta's webhooks). Routes have no prefix: the product mounts the module
 * under /sandbox with `RouterModule.register([{ path: 'sandbox', module: SandboxModule }])`, apps/meta-sandbox serves
 * it at the root. Needs AppConfig (ConfigModule.forRoot) in the application.
 * Controller order matters (routes register in this order): admin and download routes before the Graph patterns,
 * the 501 catch-all last.
 */
@Module({
  controllers: [
    SandboxAdminController,
    SandboxMediaDownloadController,
    SandboxGraphMessagingController,
    SandboxGraphManagementController,
    SandboxFallbackController,
  ],
  providers: [
    SandboxSettings,
    SandboxStore,
    SandboxBehaviorStore,
    SandboxFaults,
    SandboxLedger,
    SandboxRateLimits,
    SandboxWebhookEmitter,
    SandboxNumbersService,
    SandboxTemplatesService,
    SandboxMediaService,
    SandboxMessagingService,
  ],
  exports: [SandboxSettings, SandboxNumbersService, SandboxMessagingService, SandboxLedger],
})
export class SandboxModule {
  /** Same module with explicit options (standalone mode, another webhook URL or secret, a state file). */
  static forRoot(options: SandboxOptions = {}): DynamicModule {
    return { module: SandboxModule, providers: [{ provide: SANDBOX_OPTIONS, useValue: options }] };
  }
}
