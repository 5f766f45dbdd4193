import { describe, expect, it } from 'vitest';
import { createPool } from '../../src/llm/sequence-pool.ts';

describe('createPool', () => {
  it('hands out free items, then queues first come first served', async () => {
    const pool = createPool(['a', 'b']);
    expect(await pool.acquire()).toBe('a');
    expect(await pool.acquire()).toBe('b');
    const third = pool.acquire();
    const fourth = pool.acquire();
    expect(pool.waiting).toBe(2);
    pool.release('b');
    expect(await third).toBe('b');
    pool.release('a');
    expect(await fourth).toBe('a');
    expect(pool.idle).toBe(0);
  });

  it('an aborted wait leaves the line and resolves undefined', async () => {
    const pool = createPool([1]);
    await pool.acquire();
    const ctrl = new AbortController();
    const waiting = pool.acquire(ctrl.signal);
    const behind = pool.acquire();
    ctrl.abort();
    expect(await waiting).toBeUndefined();
    pool.release(1);
    expect(await behind).toBe(1);
  });

  it('close ends every wait', async () => {
    const pool = createPool<number>([]);
    const w = pool.acquire();
    pool.close();
    expect(await w).toBeUndefined();
    expect(await pool.acquire()).toBeUndefined();
  });
});
