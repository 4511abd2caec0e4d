import 'reflect-metadata';
import { AppConfig, ConfigError } from '#config';
import { startWorker } from './bootstrap.js';

async function main(): Promise<void> {
  let config: AppConfig;
  try {
    config = AppConfig.fromEnv();
    const worker = await startWorker(config);
    // A notice for the person starting the process, deliberately on stdout and not through the logger.
    process.stdout.write(
      `\nkdv worker running: ${worker.processors.map((p) => `${p.queue} (${p.name} ×${p.concurrency})`).join(', ')}\n`,
    );
  } catch (err) {
    if (err instanceof ConfigError) {
      process.stderr.write(`${err.message}\n`);
      process.exit(78); // EX_CONFIG
    }
    throw err;
  }
}

main().catch((err: unknown) => {
  process.stderr.write(`Failed to start: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
  process.exit(1);
});
