import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { AppConfig, ConfigError } from './app-config.js';

const tmp = () => fs.mkdtempSync(path.join(os.tmpdir(), 'kdv-cfg-'));

describe('AppConfig', () => {
  it('embedded default: no env needed, secrets generated once and kept in the data dir', () => {
    const dir = tmp();
    const a = new AppConfig({ DATA_DIR: dir });
    const b = new AppConfig({ DATA_DIR: dir });
    expect(a.embedded).toBe(true);
    expect(a.queueDriver).toBe('in-process');
    expect(a.port).toBe(3000);
    expect(a.encryptionKey).toHaveLength(32);
    expect(b.metaAppSecret).toBe(a.metaAppSecret);
    expect(a.sandboxGraphUrl).toBe('http://127.0.0.1:3000/sandbox');
  });

  it('production requires the secrets and names the missing key', () => {
    expect(() => new AppConfig({ DATABASE_URL: 'postgresql://x@h/db' })).toThrow(/META_APP_SECRET/);
  });

  it.each([
    [{ PORT: 'abc' }, 'PORT'],
    [{ PORT: '70000' }, 'PORT'],
    [{ DATABASE_URL: 'mysql://x' }, 'DATABASE_URL'],
    [{ REDIS_URL: 'not a url' }, 'REDIS_URL'],
    [{ LOG_LEVEL: 'loud' }, 'LOG_LEVEL'],
    [{ META_GRAPH_VERSION: '24' }, 'META_GRAPH_VERSION'],
    [{ ENCRYPTION_KEY: 'short' }, 'ENCRYPTION_KEY'],
    [{ WEBHOOKS_ALLOW_PRIVATE_TARGETS: 'maybe' }, 'WEBHOOKS_ALLOW_PRIVATE_TARGETS'],
  ])('refuses %p naming %s', (env, key) => {
    try {
      new AppConfig({ DATA_DIR: tmp(), ...env });
      throw new Error('expected a ConfigError');
    } catch (e) {
      expect(e).toBeInstanceOf(ConfigError);
      expect((e as ConfigError).key).toBe(key);
      expect((e as Error).message).toContain(key);
    }
  });

  it('production mode with Redis runs no processors in the api unless asked', () => {
    const env = { DATABASE_URL: 'postgresql://x@h/db', REDIS_URL: 'redis://h:6379', META_APP_SECRET: 's', META_VERIFY_TOKEN: 't', ENCRYPTION_KEY: 'a'.repeat(64) };
    expect(new AppConfig(env).runProcessors).toBe(false);
    expect(new AppConfig({ ...env, RUN_PROCESSORS: 'true' }).runProcessors).toBe(true);
    expect(new AppConfig(env).queueDriver).toBe('bullmq');
  });
});
