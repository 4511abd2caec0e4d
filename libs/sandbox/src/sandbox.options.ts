export const SANDBOX_OPTIONS = Symbol('SANDBOX_OPTIONS');

/**
 * How a SandboxModule instance runs. Everything defaults from AppConfig:
 * - embedded (mounted under /sandbox in the product): webhooks to `${selfUrl}/webhooks/meta`;
 * - standalone (apps/meta-sandbox): webhooks to SANDBOX_WEBHOOK_URL.
 * Both sign with META_APP_SECRET unless a number was provisioned with its own app_secret / webhook_url.
 */
export interface SandboxOptions {
  mode?: 'embedded' | 'standalone';
  webhookUrl?: string;
  appSecret?: string;
  /** JSON file keeping numbers, templates and media metadata across restarts; null keeps everything in memory. */
  stateFile?: string | null;
}
