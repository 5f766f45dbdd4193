/**
 * Conversation store latency, PostgreSQL against SQLite on the same machine: p50/p99 of
 * `appendMessage` and of `listMessages(id, 20)` (what a chat turn reads), one call at a time, plus
 * appends with 16 in flight (several sessions at once, where PostgreSQL's pool can overlap them).
 * Standalone: `npx tsx bench/postgres-store.ts` prints JSON. Uses `KEFU_BENCH_DATABASE_URL` when set,
 * else a throwaway local cluster (fsync off, like the tests: this measures the store, not the disk).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import type { ConversationStore } from '../src/contracts/conversation-store.ts';
import { createPostgresConversationStore } from '../src/store/postgres/postgres-conversation-store.ts';
import { createSqliteConversationStore } from '../src/store/sqlite/sqlite-conversation-store.ts';
import { startPostgres } from '../test/support/start-postgres.ts';

const CONVERSATIONS = 50;
const MESSAGES_PER_CONVERSATION = 40;
const LISTS = 2_000;
const CONCURRENCY = 16;

interface Latency { p50Ms: number; p99Ms: number }
interface StoreBench { append: Latency; list20: Latency; concurrentAppendsPerSecond: number }

const percentile = (sorted: number[], p: number): number =>
  Number((sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? 0).toFixed(3));
const summarise = (samples: number[]): Latency => {
  const sorted = [...samples].sort((a, b) => a - b);
  return { p50Ms: percentile(sorted, 50), p99Ms: percentile(sorted, 99) };
};

async function timed(fn: () => Promise<unknown>): Promise<number> {
  const start = performance.now();
  await fn();
  return performance.now() - start;
}

async function measure(store: ConversationStore): Promise<StoreBench> {
  await store.migrate();
  const T0 = 1_700_000_000_000;
  for (let c = 0; c < CONVERSATIONS; c++) await store.createConversation({ id: `c${c}`, userId: `u${c}`, channel: 'web', now: T0 });
  const appends: number[] = [];
  let n = 0;
  const message = (c: number) => ({
    id: `m${++n}`, conversationId: `c${c}`, role: n % 2 === 0 ? 'assistant' as const : 'user' as const,
    content: `第 ${n} 条消息：我的订单什么时候发货？`, createdAt: T0 + n, meta: { intent: 'order_status', n },
  });
  for (let i = 0; i < MESSAGES_PER_CONVERSATION; i++) {
    for (let c = 0; c < CONVERSATIONS; c++) appends.push(await timed(() => store.appendMessage(message(c))));
  }
  const lists: number[] = [];
  for (let i = 0; i < LISTS; i++) lists.push(await timed(() => store.listMessages(`c${i % CONVERSATIONS}`, 20)));
  const total = 2_000;
  let next = 0;
  const start = performance.now();
  await Promise.all(Array.from({ length: CONCURRENCY }, async () => {
    while (next < total) await store.appendMessage(message(next++ % CONVERSATIONS));
  }));
  const concurrentAppendsPerSecond = Math.round(total / ((performance.now() - start) / 1000));
  await store.close();
  return { append: summarise(appends), list20: summarise(lists), concurrentAppendsPerSecond };
}

export async function benchPostgresStore(): Promise<{ postgres: StoreBench; sqlite: StoreBench; appends: number; lists: number }> {
  const dir = mkdtempSync(join(tmpdir(), 'kefu-bench-store-'));
  const given = process.env['KEFU_BENCH_DATABASE_URL'];
  const server = given === undefined || given === '' ? await startPostgres() : { url: given, stop: async () => {} };
  const schema = `kefu_bench_${process.pid}_${Date.now()}`;
  try {
    const sqlite = await measure(createSqliteConversationStore({ path: join(dir, 'kefu.sqlite') }));
    const postgres = await measure(createPostgresConversationStore({ url: server.url, schema, maxConnections: CONCURRENCY }));
    return { postgres, sqlite, appends: CONVERSATIONS * MESSAGES_PER_CONVERSATION, lists: LISTS };
  } finally {
    const pool = new pg.Pool({ connectionString: server.url, max: 1 });
    await pool.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`).catch(() => undefined);
    await pool.end();
    await server.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  console.log(JSON.stringify(await benchPostgresStore(), null, 2));
}
