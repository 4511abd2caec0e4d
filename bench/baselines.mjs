// Baselines measured in the same run as the product figures, so results are reported as ratios.
import http from 'node:http';
import pg from 'pg';
import { Redis } from 'ioredis';
import { cannon, summarize, PG, REDIS_URL } from './lib.mjs';

const SECONDS = Number(process.env.BENCH_SECONDS ?? 5);

export async function nodeHttpHello() {
  const server = http.createServer((_req, res) => {
    res.setHeader('Content-Type', 'application/json');
    res.end('{"hello":"world"}');
  });
  await new Promise((r) => server.listen(0, '127.0.0.1', r));
  try {
    return summarize(await cannon({ url: `http://127.0.0.1:${server.address().port}/` }));
  } finally {
    server.close();
  }
}

/** One-row INSERTs with 20 concurrent connections: the ceiling for "write a row per request". */
export async function pgInsertRate(url) {
  const pool = new pg.Pool({ ...PG, database: new URL(url).pathname.slice(1), max: 20 });
  await pool.query('CREATE TABLE IF NOT EXISTS bench_insert (id bigserial primary key, body text, created_at timestamptz default now())');
  let n = 0;
  const end = Date.now() + SECONDS * 1000;
  await Promise.all(
    Array.from({ length: 20 }, async () => {
      while (Date.now() < end) {
        await pool.query('INSERT INTO bench_insert (body) VALUES ($1)', ['x'.repeat(100)]);
        n++;
      }
    }),
  );
  await pool.query('DROP TABLE bench_insert');
  await pool.end();
  return { inserts_per_s: Math.round(n / SECONDS) };
}

/** SETs with 50 in flight (no pipelining), the ceiling for "one Redis round trip per request". */
export async function redisSetRate() {
  const redis = new Redis(REDIS_URL);
  let n = 0;
  const end = Date.now() + SECONDS * 1000;
  await Promise.all(
    Array.from({ length: 50 }, async (_, i) => {
      while (Date.now() < end) {
        await redis.set(`bench:set:${i}`, String(n));
        n++;
      }
    }),
  );
  await redis.del(...Array.from({ length: 50 }, (_, i) => `bench:set:${i}`));
  redis.disconnect();
  return { sets_per_s: Math.round(n / SECONDS) };
}
