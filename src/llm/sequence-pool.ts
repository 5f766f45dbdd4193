/**
 * A fixed set of reusable resources (context sequences) handed out first come, first served.
 * When all are busy, `acquire` waits in line instead of failing; an aborted wait leaves the line.
 */
export interface Pool<T> {
  /** Resolves with a free item, or `undefined` when `signal` aborts first or the pool closes. */
  acquire(signal?: AbortSignal): Promise<T | undefined>;
  release(item: T): void;
  /** Ends every wait with `undefined`; later `acquire` calls get `undefined` at once. */
  close(): void;
  readonly idle: number;
  readonly waiting: number;
}

export function createPool<T>(items: readonly T[]): Pool<T> {
  const free = [...items];
  const waiters: Array<(item: T | undefined) => void> = [];
  let closed = false;

  return {
    acquire(signal) {
      if (closed || signal?.aborted) return Promise.resolve(undefined);
      const item = free.shift();
      if (item !== undefined) return Promise.resolve(item);
      return new Promise((resolve) => {
        const onAbort = (): void => {
          const i = waiters.indexOf(waiter);
          if (i >= 0) waiters.splice(i, 1);
          resolve(undefined);
        };
        const waiter = (got: T | undefined): void => {
          signal?.removeEventListener('abort', onAbort);
          resolve(got);
        };
        waiters.push(waiter);
        signal?.addEventListener('abort', onAbort, { once: true });
      });
    },
    release(item) {
      const next = waiters.shift();
      if (next) next(item);
      else free.push(item);
    },
    close() {
      closed = true;
      for (const w of waiters.splice(0)) w(undefined);
    },
    get idle() {
      return free.length;
    },
    get waiting() {
      return waiters.length;
    },
  };
}
