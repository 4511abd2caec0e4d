import 'reflect-metadata';
import { AppConfig, ConfigError } from '#config';
import { startSandbox, type StartedSandbox } from './bootstrap.js';

/** Standalone fake Graph API + Meta webhooks (the production topology's sandbox, SANDBOX_URL for the api). */
async function main(): Promise<void> {
  let config: AppConfig;
  let sandbox: StartedSandbox;
  try {
    config = AppConfig.fromEnv();
    sandbox = await startSandbox(config);
  } catch (err) {
    if (err instanceof ConfigError) {
      process.stderr.write(`${err.message}\n`);
      process.exit(78); // EX_CONFIG
    }
    throw err;
  }
  process.stdout.write(
    `\nWhatsApp sandbox listening on ${sandbox.url} — Graph API at ${sandbox.url}/${config.metaGraphVersion}, ` +
      `admin API at ${sandbox.url}/_sandbox (no authentication: keep it private), webhooks to ${config.sandboxWebhookUrl}\n`,
  );

  let stopping = false;
  const stop = (signal: NodeJS.Signals) => {
    if (stopping) return;
    stopping = true;
    process.stdout.write(`${signal}: stopping the sandbox\n`);
    const force = setTimeout(() => {
      process.stderr.write(`The sandbox did not stop within ${config.shutdownTimeoutMs} ms; exiting\n`);
      process.exit(1);
    }, config.shutdownTimeoutMs);
    force.unref();
    sandbox.close().then(
      () => process.exit(0),
      (err: unknown) => {
        process.stderr.write(`Shutdown failed: ${String(err)}\n`);
        process.exit(1);
      },
    );
  };
  process.once('SIGTERM', stop);
  process.once('SIGINT', stop);
}

main().catch((err: unknown) => {
  process.stderr.write(`Failed to start: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
  process.exit(1);
});
