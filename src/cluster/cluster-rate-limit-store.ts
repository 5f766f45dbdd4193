import type { ClientRateLimitInfo, HonoConfigType } from 'hono-rate-limiter';
import type { Env } from 'hono';
import { setImmediate } from 'node:timers';
import type { RateLimitStore } from '../contracts/rate-limit-store.ts';
import type { PrimaryBus } from './primary-bus.ts';
import type { WorkerBus } from './worker-bus.ts';

interface Hit {
  key: string;
  windowMs: number;
}
interface Hits {
  keys: string[];
  windowMs: number;
}
interface Counted {
  totalHits: number;
  resetAt: number;
}

interface Waiting {
  key: string;
  settle(info: ClientRateLimitInfo): void;
}

/**
 * A `hono-rate-limiter` store for `kefu serve --workers N` without Redis: the counters live in the
 * primary, so a client's limit holds for the machine, not once per worker (a fixed window per key,
 * as the Redis store counts). A lost primary fails open, as the Redis store does. The increments
 * of the requests a worker reads in one pass of its event loop go to the primary in one message
 * (`rl.incMany`), counted in their order: one IPC round trip per request cost the primary and the
 * worker about 0.07 ms of CPU together, a seventh of a cache-hit turn (issue 16.5).
 */
export function createClusterRateLimitStore<E extends Env = Env>(bus: WorkerBus): RateLimitStore<E> {
  let windowMs = 60_000;
  const info = (c: Counted): ClientRateLimitInfo => ({ totalHits: c.totalHits, resetTime: new Date(c.resetAt) });
  const failOpen = (): ClientRateLimitInfo => ({ totalHits: 0, resetTime: new Date(Date.now() + windowMs) });
  let waiting: Waiting[] = [];
  const flush = (): void => {
    const batch = waiting;
    waiting = [];
    bus.request<Counted[]>('rl.incMany', { keys: batch.map((w) => w.key), windowMs } satisfies Hits).then(
      (counted) => batch.forEach((w, i) => w.settle(counted[i] === undefined ? failOpen() : info(counted[i]!))),
      () => batch.forEach((w) => w.settle(failOpen())),
    );
  };
  return {
    prefix: 'kefu:rl:',
    localKeys: false,
    init(config: HonoConfigType<E>) {
      windowMs = config.windowMs;
    },
    async get(key) {
      const c = await bus.request<Counted | null>('rl.get', { key, windowMs } satisfies Hit).catch(() => null);
      return c === null ? undefined : info(c);
    },
    increment(key) {
      return new Promise<ClientRateLimitInfo>((settle) => {
        if (waiting.length === 0) setImmediate(flush);
        waiting.push({ key, settle });
      });
    },
    async decrement(key) {
      await bus.request('rl.dec', { key, windowMs } satisfies Hit).catch(() => undefined);
    },
    async resetKey(key) {
      await bus.request('rl.reset', { key, windowMs } satisfies Hit).catch(() => undefined);
    },
    async close() {},
  };
}

/** The primary's counters; expired windows are swept every minute. Returns the sweep's stop function. */
export function serveRateLimits(bus: PrimaryBus, now: () => number = Date.now): () => void {
  const counters = new Map<string, Counted>();
  const live = (key: string): Counted | undefined => {
    const c = counters.get(key);
    if (c !== undefined && c.resetAt <= now()) {
      counters.delete(key);
      return undefined;
    }
    return c;
  };
  bus.handle('rl.get', (body) => live((body as Hit).key) ?? null);
  const increment = (key: string, windowMs: number): Counted => {
    const c = live(key) ?? { totalHits: 0, resetAt: now() + windowMs };
    c.totalHits += 1;
    counters.set(key, c);
    // A copy: the next increment in the same batch must not change this request's count.
    return { ...c };
  };
  bus.handle('rl.incMany', (body) => {
    const { keys, windowMs } = body as Hits;
    return keys.map((key) => increment(key, windowMs));
  });
  bus.handle('rl.dec', (body) => {
    const c = live((body as Hit).key);
    if (c !== undefined && c.totalHits > 0) c.totalHits -= 1;
    return null;
  });
  bus.handle('rl.reset', (body) => {
    counters.delete((body as Hit).key);
    return null;
  });
  const sweep = setInterval(() => {
    for (const key of counters.keys()) live(key);
  }, 60_000);
  sweep.unref();
  return () => clearInterval(sweep);
}
