import { describe, expect, it } from 'vitest';
import { createClusterRateLimitStore, serveRateLimits } from '../../src/cluster/cluster-rate-limit-store.ts';
import type { PrimaryBus, RequestHandler } from '../../src/cluster/primary-bus.ts';
import type { WorkerBus } from '../../src/cluster/worker-bus.ts';

/** The primary's handlers and a worker's bus in one process, each request answered on a later turn, as over IPC. */
function pair(options: { down?: boolean } = {}) {
  const handlers = new Map<string, RequestHandler>();
  const sent: { kind: string; body: unknown }[] = [];
  const primary = { handle: (kind: string, h: RequestHandler) => void handlers.set(kind, h) } as unknown as PrimaryBus;
  const worker: WorkerBus = {
    request<T>(kind: string, body: unknown): Promise<T> {
      sent.push({ kind, body });
      if (options.down === true) return Promise.reject(new Error('the cluster primary is gone'));
      return new Promise((resolve) => setTimeout(() => resolve(handlers.get(kind)!(structuredClone(body), {} as never) as T), 1));
    },
    send: () => undefined,
    on: () => () => undefined,
  };
  return { primary, worker, sent };
}

describe('the cluster rate-limit store', () => {
  it('sends the increments of one event-loop pass in one message and counts them in order', async () => {
    const { primary, worker, sent } = pair();
    let clock = 1_000_000;
    const stop = serveRateLimits(primary, () => clock);
    const store = createClusterRateLimitStore(worker);
    store.init?.({ windowMs: 60_000 } as never);
    const first = await Promise.all(['a', 'b', 'a', 'a', 'b'].map((k) => store.increment(k)));
    expect(first.map((i) => i.totalHits)).toEqual([1, 1, 2, 3, 2]);
    expect(first[0]!.resetTime).toEqual(new Date(1_060_000));
    expect(sent).toEqual([{ kind: 'rl.incMany', body: { keys: ['a', 'b', 'a', 'a', 'b'], windowMs: 60_000 } }]);
    // Apart in time, apart on the wire; the counts go on, then a new window starts.
    expect((await store.increment('a')).totalHits).toBe(4);
    expect(sent).toHaveLength(2);
    clock += 60_000;
    expect((await store.increment('a')).totalHits).toBe(1);
    expect(await store.get?.('b')).toBeUndefined();
    stop();
  });

  it('fails open when the primary is gone', async () => {
    const { worker } = pair({ down: true });
    const store = createClusterRateLimitStore(worker);
    const infos = await Promise.all([store.increment('a'), store.increment('a')]);
    expect(infos.map((i) => i.totalHits)).toEqual([0, 0]);
  });
});
