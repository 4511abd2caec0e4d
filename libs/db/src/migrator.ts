import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import type { SqlMigrationAwareDriverAdapterFactory } from '@prisma/driver-adapter-utils';

/** The repository root, found from this file whether it runs from source (tests) or from dist. */
export function repoRoot(): string {
  let dir = path.dirname(fileURLToPath(import.meta.url));
  while (!fs.existsSync(path.join(dir, 'prisma', 'schema.prisma'))) {
    const up = path.dirname(dir);
    if (up === dir) throw new Error('cannot find the repository root (prisma/schema.prisma)');
    dir = up;
  }
  return dir;
}

interface MigrateScript {
  migrateDeploy(factory: SqlMigrationAwareDriverAdapterFactory): Promise<string[]>;
}

/**
 * Applies prisma/migrations through the wasm schema engine (scripts/migrate.mjs, the same code `npm run db:migrate`
 * runs). Used by the embedded default, where nobody else can reach the PGlite directory.
 */
export async function migrateEmbedded(factory: SqlMigrationAwareDriverAdapterFactory): Promise<string[]> {
  const script = (await import(pathToFileURL(path.join(repoRoot(), 'scripts', 'migrate.mjs')).href)) as MigrateScript;
  return script.migrateDeploy(factory);
}
