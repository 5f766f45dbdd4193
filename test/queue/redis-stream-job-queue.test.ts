import { randomUUID } from 'node:crypto';
import { Redis } from 'ioredis';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { Job, JobQueue } from '../../src/contracts/job-queue.ts';
import { createRedisStreamJobQueue, type RedisStreamJobQueueOptions } from '../../src/queue/redis-stream-job-queue.ts';
import { startRedis, type TestRedis } from '../support/start-redis.ts';
import { runJobQueueContract } from './job-queue.contract.ts';
import { gate, waitFor } from './wait-for.ts';

let redis: TestRedis;
beforeAll(async () => {
  redis = await startRedis();
});
afterAll(async () => {
  await redis.stop();
});

// Each queue gets its own prefix, so every test starts from an empty namespace on the shared server.
runJobQueueContract('redis-streams', (now) => createRedisStreamJobQueue({ url: redis.url, prefix: `test-${randomUUID()}`, now }));

describe('Redis Streams job queue across nodes', () => {
  const opened: JobQueue[] = [];
  const open = (options: Omit<RedisStreamJobQueueOptions, 'url'> & { url?: string }) => {
    const queue = createRedisStreamJobQueue({ url: redis.url, ...options });
    opened.push(queue);
    return queue;
  };
  afterEach(async () => {
    for (const q of opened.splice(0)) await q.close();
  });

  it('two consumers share the work and never run one job twice', async () => {
    const prefix = `test-${randomUUID()}`;
    const a = open({ prefix, consumer: 'node-a' });
    const b = open({ prefix, consumer: 'node-b' });
    const runs = new Map<string, string[]>();
    const handler = (node: string) => async (job: Job) => {
      runs.set(job.id, [...(runs.get(job.id) ?? []), node]);
      await new Promise((r) => setTimeout(r, Math.random() * 3));
    };
    const stops = [a.work('t', handler('a'), { pollMs: 5, concurrency: 4 }), b.work('t', handler('b'), { pollMs: 5, concurrency: 4 })];
    const jobs = await Promise.all(Array.from({ length: 60 }, (_, n) => (n % 2 ? a : b).enqueue('t', { n }, { idempotencyKey: `k${n}` })));
    await waitFor(async () => (await a.stats()).done === 60, 'all 60 jobs done', 10_000);
    await Promise.all(stops.map((s) => s()));
    expect(runs.size).toBe(60);
    for (const { job } of jobs) expect(runs.get(job.id)).toHaveLength(1);
    const nodes = new Set([...runs.values()].flat());
    expect(nodes).toEqual(new Set(['a', 'b'])); // both consumers took work
    expect(await b.stats()).toEqual({ queued: 0, running: 0, done: 60, dead: 0 });
  });

  it('a consumer that dies mid-job loses it to another after the lease, and the crash counts as an attempt', async () => {
    const prefix = `test-${randomUUID()}`;
    // The dying node: its own Redis client, cut off mid-job without settling (as a killed process would be).
    const dyingClient = new Redis(redis.url);
    const dying = createRedisStreamJobQueue({ redis: dyingClient, prefix, consumer: 'dying', leaseMs: 300 });
    const started = gate();
    const never = new Promise<void>(() => {});
    dying.work('t', async () => {
      started.open();
      await never;
    }, { pollMs: 5 });
    const { job } = await dying.enqueue('t', { n: 1 }, { idempotencyKey: 'k', maxAttempts: 3 });
    await started.promise;
    dyingClient.disconnect(); // no ack, no heartbeat from now on

    const survivor = open({ prefix, consumer: 'survivor', leaseMs: 300 });
    const seen: Job[] = [];
    const stop = survivor.work('t', async (j) => void seen.push(j), { pollMs: 20 });
    const done = await waitFor(async () => {
      const j = await survivor.get(job.id);
      return j?.state === 'done' && j;
    }, 'the survivor to finish the abandoned job', 5000);
    await stop();
    expect(seen).toHaveLength(1);
    expect(seen[0]).toMatchObject({ id: job.id, attempts: 2, state: 'running' });
    expect(done).toMatchObject({ state: 'done', attempts: 2 });
  });

  it('a job that kills its worker on every attempt ends dead after maxAttempts', async () => {
    const prefix = `test-${randomUUID()}`;
    const kill = async () => {
      const client = new Redis(redis.url);
      const q = createRedisStreamJobQueue({ redis: client, prefix, leaseMs: 150 });
      const started = gate();
      q.work('t', async () => {
        started.open();
        await new Promise<void>(() => {});
      }, { pollMs: 10 });
      return { q, client, started };
    };
    const first = await kill();
    const { job } = await first.q.enqueue('t', {}, { idempotencyKey: 'k', maxAttempts: 2 });
    await first.started.promise;
    first.client.disconnect();
    const second = await kill();
    await second.started.promise;
    second.client.disconnect();

    const observer = open({ prefix, leaseMs: 150 });
    const stop = observer.work('t', async () => {
      throw new Error('must not run a third time');
    }, { pollMs: 10 });
    const dead = await waitFor(async () => {
      const j = await observer.get(job.id);
      return j?.state === 'dead' && j;
    }, 'the job to be buried', 5000);
    await stop();
    expect(dead.attempts).toBe(2);
    expect(dead.lastError).toContain('lease expired on attempt 2 of 2');
    const client = new Redis(redis.url);
    const letters = await client.xrange(`${prefix}:deadletter:t`, '-', '+');
    client.disconnect();
    expect(letters.map(([, fields]) => fields[1])).toEqual([job.id]);
  });

  it('renews the lease of a long job so no one else takes it', async () => {
    const prefix = `test-${randomUUID()}`;
    const a = open({ prefix, leaseMs: 90 });
    const b = open({ prefix, leaseMs: 90 });
    let runs = 0;
    const handler = async () => {
      runs += 1;
      await new Promise((r) => setTimeout(r, 400));
    };
    const stops = [a.work('t', handler, { pollMs: 10 }), b.work('t', handler, { pollMs: 10 })];
    const { job } = await a.enqueue('t', {}, { idempotencyKey: 'k' });
    await waitFor(async () => (await a.get(job.id))?.state === 'done', 'the long job', 5000);
    await Promise.all(stops.map((s) => s()));
    expect(runs).toBe(1);
    expect((await a.get(job.id))?.attempts).toBe(1);
  });

  it('keeps each idempotency key to one job across nodes', async () => {
    const prefix = `test-${randomUUID()}`;
    const a = open({ prefix });
    const b = open({ prefix });
    const results = await Promise.all([a, b, a, b].map((q, n) => q.enqueue('t', { n }, { idempotencyKey: 'same' })));
    expect(results.filter((r) => r.created)).toHaveLength(1);
    expect(new Set(results.map((r) => r.job.id)).size).toBe(1);
  });
});

describe('Redis Streams job queue across a Redis restart', () => {
  let persistent: TestRedis;
  beforeAll(async () => {
    persistent = await startRedis({ persistent: true });
  });
  afterAll(async () => {
    await persistent?.stop();
  });

  it('keeps queued jobs and the worker reconnects', async (ctx) => {
    if (persistent.restart === null) ctx.skip(true, 'KEFU_TEST_REDIS_URL is set: an external server cannot be restarted');
    const restart = persistent.restart!;
    const queue = createRedisStreamJobQueue({ url: persistent.url, prefix: 'restart' });
    try {
      const ran: number[] = [];
      const stop = queue.work<{ n: number }>('t', async (job) => void ran.push(job.payload.n), { pollMs: 20 });
      const { job: before } = await queue.enqueue('t', { n: 1 }, { idempotencyKey: 'before' });
      await waitFor(async () => (await queue.get(before.id))?.state === 'done', 'the first job');
      await stop();
      const { job: waiting } = await queue.enqueue('t', { n: 2 }, { idempotencyKey: 'waiting' });

      await restart();
      expect((await queue.get(waiting.id))?.state).toBe('queued'); // survived the restart
      expect((await queue.get(before.id))?.state).toBe('done');
      const stopAgain = queue.work<{ n: number }>('t', async (job) => void ran.push(job.payload.n), { pollMs: 20 });
      await waitFor(async () => (await queue.get(waiting.id))?.state === 'done', 'the surviving job', 10_000);

      // A worker running through a second restart picks up what is enqueued after it.
      await restart();
      const { job: after } = await queue.enqueue('t', { n: 3 }, { idempotencyKey: 'after' });
      await waitFor(async () => (await queue.get(after.id))?.state === 'done', 'a job enqueued after the restart', 10_000);
      await stopAgain();
      expect(ran).toEqual([1, 2, 3]);
      const again = await queue.enqueue('t', { n: 4 }, { idempotencyKey: 'before' });
      expect(again).toMatchObject({ created: false, job: { id: before.id } }); // idempotency keys survived too
    } finally {
      await queue.close();
    }
  });
});
