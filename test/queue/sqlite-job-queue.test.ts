import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import Database from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import type { Job } from '../../src/contracts/job-queue.ts';
import { isKefuError } from '../../src/errors.ts';
import { exponentialBackoff } from '../../src/queue/backoff.ts';
import { createSqliteJobQueue, type SqliteJobQueue, type SqliteJobQueueOptions } from '../../src/queue/sqlite-job-queue.ts';
import { runJobQueueContract } from './job-queue.contract.ts';
import { gate, waitFor } from './wait-for.ts';

const dirs: string[] = [];
const opened: SqliteJobQueue[] = [];
const freshPath = () => {
  const dir = mkdtempSync(join(tmpdir(), 'kefu-queue-'));
  dirs.push(dir);
  return join(dir, 'data', 'queue.db');
};
const openQueue = (options: SqliteJobQueueOptions) => {
  const queue = createSqliteJobQueue(options);
  opened.push(queue);
  return queue;
};
afterEach(async () => {
  for (const q of opened.splice(0)) await q.close();
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

runJobQueueContract('sqlite', (now) => createSqliteJobQueue({ path: freshPath(), now }));

const worker = fileURLToPath(new URL('./fixtures/queue-worker.ts', import.meta.url));
function child(args: string[]) {
  const proc = spawn(process.execPath, ['--import', 'tsx', worker, ...args], { stdio: ['ignore', 'pipe', 'inherit'] });
  let out = '';
  proc.stdout.setEncoding('utf8').on('data', (chunk: string) => (out += chunk));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    proc.on('exit', (code, signal) => resolve({ code, signal })),
  );
  return { exited, output: () => out };
}

describe('SQLite job queue', () => {
  const poll = { pollMs: 5 };

  it('keeps jobs and idempotency keys across a restart', async () => {
    const path = freshPath();
    const first = createSqliteJobQueue({ path });
    const { job } = await first.enqueue('t', { n: 1 }, { idempotencyKey: 'k' });
    await first.close();

    const second = openQueue({ path });
    expect(await second.get(job.id)).toEqual(job);
    expect((await second.enqueue('t', { n: 2 }, { idempotencyKey: 'k' })).created).toBe(false);
    const ran: unknown[] = [];
    const stop = second.work('t', async (j) => void ran.push(j.payload), poll);
    await waitFor(async () => (await second.get(job.id))?.state === 'done', 'the job to run after the restart');
    await stop();
    expect(ran).toEqual([{ n: 1 }]);
  });

  it('claims a job again once the lease of a killed process has expired', async () => {
    const path = freshPath();
    const queue = openQueue({ path });
    const { job } = await queue.enqueue('t', { n: 1 }, { idempotencyKey: 'k' });
    const crashed = await child(['crash', path, 't']).exited;
    expect(crashed.signal).toBe('SIGKILL');
    expect(await queue.get(job.id)).toMatchObject({ state: 'running', attempts: 1 });

    // Within the lease nobody else takes it …
    const ran: Job[] = [];
    const stopEarly = queue.work('t', async (j) => void ran.push(j), poll);
    await new Promise((r) => setTimeout(r, 30));
    await stopEarly();
    expect(ran).toEqual([]);

    // … and once the 30 s lease has run out, a live process does.
    const later = openQueue({ path, now: () => Date.now() + 31_000 });
    const stop = later.work('t', async (j) => void ran.push(j), poll);
    await waitFor(async () => (await later.get(job.id))?.state === 'done', 'the recovered job');
    await stop();
    expect(ran.map((j) => j.attempts)).toEqual([2]);
  });

  it('buries a job whose last attempt never finished', async () => {
    const path = freshPath();
    const stuck = openQueue({ path, now: () => 1_000, leaseMs: 1000 });
    const hold = gate();
    const stopStuck = stuck.work('t', () => hold.promise, poll);
    const { job } = await stuck.enqueue('t', {}, { idempotencyKey: 'k', maxAttempts: 1 });
    await waitFor(async () => (await stuck.get(job.id))?.state === 'running', 'the job to start');

    const other = openQueue({ path, now: () => 2_000 });
    const ran: string[] = [];
    const stop = other.work('t', async (j) => void ran.push(j.id), poll);
    const dead = await waitFor(async () => {
      const j = await other.get(job.id);
      return j?.state === 'dead' && j;
    }, 'the expired job to be buried');
    expect(dead.attempts).toBe(1);
    expect(dead.lastError).toMatch(/lease expired on attempt 1 of 1/);
    expect(ran).toEqual([]);
    await stop();
    hold.open();
    await stopStuck();
  });

  it('ignores the outcome from a worker that lost its lease to another', async () => {
    const path = freshPath();
    const slow = openQueue({ path, now: () => 1_000, leaseMs: 1000 });
    const hold = gate();
    const stopSlow = slow.work('t', async () => {
      await hold.promise;
      throw new Error('too late');
    }, poll);
    const { job } = await slow.enqueue('t', {}, { idempotencyKey: 'k', maxAttempts: 3 });
    await waitFor(async () => (await slow.get(job.id))?.state === 'running', 'the first claim');

    const fast = openQueue({ path, now: () => 2_000 });
    const stopFast = fast.work('t', async () => {}, poll);
    await waitFor(async () => (await fast.get(job.id))?.state === 'done', 'the second claim to finish');
    hold.open();
    await stopSlow();
    await stopFast();
    expect(await fast.get(job.id)).toMatchObject({ state: 'done', attempts: 2, lastError: null });
  });

  it('renews the lease while a handler outlives it, so no other worker takes the job', async () => {
    const path = freshPath();
    const a = openQueue({ path, leaseMs: 60 });
    const b = openQueue({ path, leaseMs: 60 });
    let runs = 0;
    const handler = async () => {
      runs += 1;
      await new Promise((r) => setTimeout(r, 250));
    };
    const stopA = a.work('t', handler, poll);
    const { job } = await a.enqueue('t', {}, { idempotencyKey: 'k' });
    await waitFor(async () => (await a.get(job.id))?.state === 'running', 'the job to start');
    const stopB = b.work('t', handler, poll);
    await waitFor(async () => (await a.get(job.id))?.state === 'done', 'the long job');
    await stopA();
    await stopB();
    expect(runs).toBe(1);
  });

  it('never runs one job twice with two instances on one file', async () => {
    const path = freshPath();
    const a = openQueue({ path });
    const b = openQueue({ path });
    const runsById = new Map<string, string[]>();
    const handlerFor = (name: string) => async (job: Job) => {
      runsById.set(job.id, [...(runsById.get(job.id) ?? []), name]);
      await new Promise((r) => setTimeout(r, 1));
    };
    const stops = [a.work('t', handlerFor('a'), { ...poll, concurrency: 3 }), b.work('t', handlerFor('b'), { ...poll, concurrency: 3 })];
    const jobs = await Promise.all(Array.from({ length: 60 }, (_, i) => (i % 2 ? a : b).enqueue('t', { i }, { idempotencyKey: `k${i}` })));
    await waitFor(async () => (await a.stats()).done === 60, 'all jobs');
    await Promise.all(stops.map((s) => s()));
    for (const { job } of jobs) expect(runsById.get(job.id)).toHaveLength(1);
    const byA = [...runsById.values()].filter(([n]) => n === 'a').length;
    expect(byA).toBeGreaterThan(0);
    expect(byA).toBeLessThan(60);
  });

  it('never runs one job twice with two processes on one file', async () => {
    const path = freshPath();
    const queue = openQueue({ path });
    const total = 80;
    const children = ['p1', 'p2'].map((name) => child(['drain', path, 't', name, String(total)]));
    await waitFor(() => children.every((c) => c.output().startsWith('ready\n')), 'both workers to start', 20_000);
    for (let i = 0; i < total; i++) await queue.enqueue('t', { i }, { idempotencyKey: `k${i}` });
    const exits = await Promise.all(children.map((c) => c.exited));
    expect(exits.map((e) => e.code)).toEqual([0, 0]);

    const runs = children.flatMap((c) => c.output().split('\n').filter((l) => l.startsWith('p')));
    const ids = runs.map((l) => l.split(' ')[1]);
    expect(ids).toHaveLength(total);
    expect(new Set(ids).size).toBe(total);
    expect(runs.some((l) => l.startsWith('p1 ')) && runs.some((l) => l.startsWith('p2 '))).toBe(true);
    expect(await queue.stats()).toEqual({ queued: 0, running: 0, done: total, dead: 0 });
  }, 30_000);

  it('schedules a retry after an exponential, jittered, capped delay', async () => {
    const low = exponentialBackoff({ random: () => 0 });
    const high = exponentialBackoff({ random: () => 0.999999 });
    expect([1, 2, 3, 4].map(low)).toEqual([250, 500, 1000, 2000]);
    expect([1, 2, 3].map(high)).toEqual([499, 999, 1999]);
    expect(low(30)).toBe(30_000);
    expect(high(30)).toBe(59_999);

    const t = 5_000;
    const queue = openQueue({ path: freshPath(), now: () => t, random: () => 0, backoff: { baseMs: 100, capMs: 1000 } });
    const stop = queue.work('t', async () => {
      throw new Error('nope');
    }, poll);
    const { job } = await queue.enqueue('t', {}, { idempotencyKey: 'k' });
    const retrying = await waitFor(async () => {
      const j = await queue.get(job.id);
      return j?.attempts === 1 && j.state === 'queued' && j;
    }, 'the first failure');
    await stop();
    expect(retrying.runAt).toBe(t + 50);
  });

  it('purges done and dead jobs older than the retention, after which a key is new again', async () => {
    let t = 10_000;
    const queue = openQueue({ path: freshPath(), now: () => t });
    const stop = queue.work('t', async (job) => {
      if ((job.payload as { fail?: boolean }).fail) throw new Error('no');
    }, poll);
    const { job: ok } = await queue.enqueue('t', {}, { idempotencyKey: 'ok' });
    const { job: bad } = await queue.enqueue('t', { fail: true }, { idempotencyKey: 'bad', maxAttempts: 1 });
    await waitFor(async () => (await queue.stats()).done === 1 && (await queue.stats()).dead === 1, 'both to finish');
    await stop();
    await queue.enqueue('t', {}, { idempotencyKey: 'still-queued' });

    t += 1000;
    expect(await queue.purge(1000)).toBe(0);
    t += 1;
    expect(await queue.purge(1000)).toBe(2);
    expect(await queue.get(ok.id)).toBeNull();
    expect(await queue.get(bad.id)).toBeNull();
    expect(await queue.stats()).toEqual({ queued: 1, running: 0, done: 0, dead: 0 });
    expect((await queue.enqueue('t', {}, { idempotencyKey: 'ok' })).created).toBe(true);
  });

  it('uses WAL and records its schema in schema_versions, leaving user_version alone', async () => {
    const path = freshPath();
    openQueue({ path });
    const db = new Database(path, { readonly: true });
    try {
      expect(db.pragma('journal_mode', { simple: true })).toBe('wal');
      expect(db.pragma('user_version', { simple: true })).toBe(0);
      expect(db.prepare('SELECT component, version FROM schema_versions').all()).toEqual([{ component: 'job_queue', version: 1 }]);
    } finally {
      db.close();
    }
  });

  it('refuses a queue.db written by a newer Kefu', async () => {
    const path = freshPath();
    await createSqliteJobQueue({ path }).close();
    const db = new Database(path);
    db.prepare("UPDATE schema_versions SET version = 99 WHERE component = 'job_queue'").run();
    db.close();
    let error: unknown;
    try {
      createSqliteJobQueue({ path });
    } catch (e) {
      error = e;
    }
    expect(isKefuError(error) && error.code).toBe('schema_too_new');
  });
});
