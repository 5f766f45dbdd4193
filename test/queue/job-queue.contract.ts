import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Job, JobQueue, JobState } from '../../src/contracts/job-queue.ts';
import { KefuError, isKefuError } from '../../src/errors.ts';
import { gate, waitFor } from './wait-for.ts';

/**
 * The behaviour every `JobQueue` adapter must have, run once per adapter (SQLite now, Redis
 * Streams later). `open` returns a fresh, empty queue that reads time from `now`; the suite
 * closes it. Retries become due when the suite moves the clock past the adapter's backoff cap
 * (61 s covers the default 60 s); it never moves the clock while a handler runs.
 */
export function runJobQueueContract(name: string, open: (now: () => number) => JobQueue | Promise<JobQueue>): void {
  describe(`JobQueue contract: ${name}`, () => {
    const T0 = 1_700_000_000_000;
    let t = T0;
    let queue: JobQueue;
    const poll = { pollMs: 5 };
    const advancePastBackoff = () => (t += 61_000);

    beforeEach(async () => {
      t = T0;
      queue = await open(() => t);
    });
    afterEach(async () => {
      await queue.close();
    });

    const stateOf = async (id: string): Promise<JobState | undefined> => (await queue.get(id))?.state;
    const settled = (id: string) =>
      waitFor(async () => {
        const job = await queue.get(id);
        return job !== null && (job.state === 'done' || job.state === 'dead') && job;
      }, `job ${id} to finish`);

    async function expectQueueError(promise: Promise<unknown>, code: string): Promise<void> {
      const error: unknown = await promise.then(
        () => null,
        (e: unknown) => e,
      );
      expect(isKefuError(error) && error.code, `expected KefuError ${code}, got ${String(error)}`).toBe(code);
    }

    describe('enqueue and get', () => {
      it('stores a queued job that get returns', async () => {
        const { job, created } = await queue.enqueue('mail.send', { to: 'a', n: [1, 2] }, { idempotencyKey: 'k1', maxAttempts: 3 });
        expect(created).toBe(true);
        expect(job).toEqual({
          id: expect.any(String),
          type: 'mail.send',
          payload: { to: 'a', n: [1, 2] },
          idempotencyKey: 'k1',
          state: 'queued',
          attempts: 0,
          maxAttempts: 3,
          runAt: T0,
          createdAt: T0,
          lastError: null,
        });
        expect(await queue.get(job.id)).toEqual(job);
        expect(await queue.get('no-such-job')).toBeNull();
      });

      it('returns the first job for a repeated key, even when enqueued concurrently', async () => {
        const results = await Promise.all(
          [1, 2, 3].map((n) => queue.enqueue('mail.send', { n }, { idempotencyKey: 'same', maxAttempts: n })),
        );
        expect(results.filter((r) => r.created)).toHaveLength(1);
        const first = results.find((r) => r.created)!.job;
        for (const r of results) expect(r.job).toEqual(first);
        expect((await queue.stats()).queued).toBe(1);
      });

      it('scopes idempotency keys to the job type', async () => {
        const a = await queue.enqueue('a', {}, { idempotencyKey: 'k' });
        const b = await queue.enqueue('b', {}, { idempotencyKey: 'k' });
        expect(b.created).toBe(true);
        expect(b.job.id).not.toBe(a.job.id);
      });

      it('rejects invalid arguments with invalid_argument', async () => {
        await expectQueueError(queue.enqueue('t', {}, { idempotencyKey: '' }), 'invalid_argument');
        await expectQueueError(queue.enqueue('', {}, { idempotencyKey: 'k' }), 'invalid_argument');
        await expectQueueError(queue.enqueue('t', {}, { idempotencyKey: 'k', maxAttempts: 0 }), 'invalid_argument');
        await expectQueueError(queue.enqueue('t', {}, { idempotencyKey: 'k', delayMs: -1 }), 'invalid_argument');
        await expectQueueError(queue.enqueue('t', undefined, { idempotencyKey: 'k' }), 'invalid_argument');
        await expectQueueError(queue.enqueue('t', { n: 1n }, { idempotencyKey: 'k' }), 'invalid_argument');
        expect((await queue.stats()).queued).toBe(0);
      });
    });

    describe('work', () => {
      it('hands a running job to its handler once and marks it done', async () => {
        const seen: Job[] = [];
        const stop = queue.work('mail.send', async (job) => void seen.push(job), poll);
        const { job } = await queue.enqueue('mail.send', { to: 'a' }, { idempotencyKey: 'k' });
        const done = await settled(job.id);
        await stop();
        expect(done).toMatchObject({ state: 'done', attempts: 1, lastError: null });
        expect(seen).toHaveLength(1);
        expect(seen[0]).toMatchObject({ id: job.id, payload: { to: 'a' }, state: 'running', attempts: 1 });
      });

      it('leaves jobs of other types alone', async () => {
        const stop = queue.work('a', async () => {}, poll);
        const { job: other } = await queue.enqueue('b', {}, { idempotencyKey: 'k' });
        const { job: mine } = await queue.enqueue('a', {}, { idempotencyKey: 'k' });
        await settled(mine.id);
        await stop();
        expect(await stateOf(other.id)).toBe('queued');
      });

      it('wakes on a local enqueue without waiting for the poll interval', async () => {
        const stop = queue.work('mail.send', async () => {}, { pollMs: 60_000 });
        await new Promise((r) => setTimeout(r, 10)); // the first (empty) poll has happened
        const { job } = await queue.enqueue('mail.send', {}, { idempotencyKey: 'k' });
        await waitFor(async () => (await stateOf(job.id)) === 'done', 'the woken worker', 1000);
        await stop();
      });

      it('does not run a delayed job before it is due', async () => {
        const ran: string[] = [];
        const stop = queue.work('t', async (job) => void ran.push(job.id), poll);
        const { job } = await queue.enqueue('t', {}, { idempotencyKey: 'later', delayMs: 5000 });
        expect(job.runAt).toBe(T0 + 5000);
        await new Promise((r) => setTimeout(r, 30));
        expect(ran).toEqual([]);
        t += 5000;
        await settled(job.id);
        await stop();
        expect(ran).toEqual([job.id]);
      });

      it('retries a failing job with backoff until it succeeds, keeping the last error', async () => {
        let calls = 0;
        const stop = queue.work('t', async () => {
          calls += 1;
          if (calls < 3) throw new Error(`flaky ${calls}`);
        }, poll);
        const { job } = await queue.enqueue('t', {}, { idempotencyKey: 'k', maxAttempts: 5 });

        const retrying = await waitFor(async () => {
          const j = await queue.get(job.id);
          return j?.state === 'queued' && j.attempts === 1 && j;
        }, 'the first failure');
        expect(retrying.lastError).toBe('flaky 1');
        expect(retrying.runAt).toBeGreaterThan(T0);
        await new Promise((r) => setTimeout(r, 30));
        expect(calls).toBe(1); // not due until the backoff has passed

        advancePastBackoff();
        await waitFor(async () => (await queue.get(job.id))?.attempts === 2 && (await stateOf(job.id)) === 'queued', 'the second failure');
        advancePastBackoff();
        const done = await settled(job.id);
        await stop();
        expect(done).toMatchObject({ state: 'done', attempts: 3, lastError: 'flaky 2' });
      });

      it('buries a job at once when the handler throws a non-retryable KefuError', async () => {
        const stop = queue.work('t', async () => {
          throw new KefuError('bad_payload', 'cannot ever work', { retryable: false });
        }, poll);
        const { job } = await queue.enqueue('t', {}, { idempotencyKey: 'k', maxAttempts: 5 });
        const dead = await settled(job.id);
        await stop();
        expect(dead).toMatchObject({ state: 'dead', attempts: 1 });
        expect(dead.lastError).toContain('bad_payload');
        expect(dead.lastError).toContain('cannot ever work');
      });

      it('buries a job after maxAttempts with the last error', async () => {
        let calls = 0;
        const stop = queue.work('t', async () => {
          calls += 1;
          throw new KefuError('upstream_down', `still down (${calls})`, { retryable: true });
        }, poll);
        const { job } = await queue.enqueue('t', {}, { idempotencyKey: 'k', maxAttempts: 2 });
        await waitFor(async () => (await queue.get(job.id))?.lastError !== null, 'the first failure');
        advancePastBackoff();
        const dead = await settled(job.id);
        await stop();
        expect(dead).toMatchObject({ state: 'dead', attempts: 2, lastError: 'upstream_down: still down (2)' });
        expect(calls).toBe(2);
      });

      it('runs up to `concurrency` handlers at once', async () => {
        const hold = gate();
        let running = 0;
        let peak = 0;
        const stop = queue.work('t', async () => {
          running += 1;
          peak = Math.max(peak, running);
          await hold.promise;
          running -= 1;
        }, { ...poll, concurrency: 3 });
        const jobs = await Promise.all([1, 2, 3, 4, 5].map((n) => queue.enqueue('t', { n }, { idempotencyKey: `k${n}` })));
        await waitFor(() => running === 3, 'three running handlers');
        await new Promise((r) => setTimeout(r, 20));
        expect(peak).toBe(3);
        expect((await queue.stats()).running).toBe(3);
        hold.open();
        for (const { job } of jobs) await settled(job.id);
        await stop();
        expect(peak).toBe(3);
      });

      it('stop waits for running handlers and then claims nothing more', async () => {
        const hold = gate();
        const stop = queue.work('t', () => hold.promise, poll);
        const { job } = await queue.enqueue('t', {}, { idempotencyKey: 'k1' });
        await waitFor(async () => (await stateOf(job.id)) === 'running', 'the job to start');
        let stopped = false;
        const stopping = stop().then(() => (stopped = true));
        await new Promise((r) => setTimeout(r, 20));
        expect(stopped).toBe(false);
        hold.open();
        await stopping;
        expect(await stateOf(job.id)).toBe('done');
        const { job: later } = await queue.enqueue('t', {}, { idempotencyKey: 'k2' });
        await new Promise((r) => setTimeout(r, 30));
        expect(await stateOf(later.id)).toBe('queued');
      });
    });

    it('counts jobs per state', async () => {
      expect(await queue.stats()).toEqual({ queued: 0, running: 0, done: 0, dead: 0 });
      const stop = queue.work('ok', async () => {}, poll);
      const { job: ok } = await queue.enqueue('ok', {}, { idempotencyKey: 'a' });
      await queue.enqueue('waiting', {}, { idempotencyKey: 'b' });
      await settled(ok.id);
      await stop();
      expect(await queue.stats()).toEqual({ queued: 1, running: 0, done: 1, dead: 0 });
    });

    it('close stops its workers and later calls fail with queue_closed', async () => {
      const hold = gate();
      queue.work('t', () => hold.promise, poll);
      const { job } = await queue.enqueue('t', {}, { idempotencyKey: 'k' });
      await waitFor(async () => (await stateOf(job.id)) === 'running', 'the job to start');
      const closing = queue.close();
      hold.open();
      await closing;
      await expectQueueError(queue.get(job.id), 'queue_closed');
      await expectQueueError(queue.enqueue('t', {}, { idempotencyKey: 'k2' }), 'queue_closed');
      await queue.close(); // closing twice is harmless (afterEach closes again)
    });
  });
}
