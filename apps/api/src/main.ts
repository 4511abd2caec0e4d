import 'reflect-metadata';
import { AppConfig, ConfigError } from '#config';
import { startApi } from './bootstrap.js';

async function main(): Promise<void> {
  let config: AppConfig;
  try {
    config = AppConfig.fromEnv();
  } catch (err) {
    if (err instanceof ConfigError) {
      process.stderr.write(`${err.message}\n`);
      process.exit(78); // EX_CONFIG
    }
    throw err;
  }
  const api = await startApi(config);
  const mode = config.embedded ? `embedded (data in ${config.dataDir})` : 'production';
  // A notice for the person starting the process, deliberately on stdout and not through the logger.
  process.stdout.write(`\nkdv api listening on ${api.url} — ${mode}\n`);
  if (api.bootstrap?.generated) {
    process.stdout.write(
      `\nFirst boot: created organization ${api.bootstrap.organizationId}.\n` +
        `Its API key (shown once, store it now):\n\n    ${api.bootstrap.plaintextKey}\n\n` +
        `Try: curl -H "Authorization: Bearer ${api.bootstrap.plaintextKey}" ${api.url}/v1/me\n\n`,
    );
  }
}

main().catch((err: unknown) => {
  process.stderr.write(`Failed to start: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
  process.exit(1);
});
