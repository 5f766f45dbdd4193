import { afterEach, describe, expect, it, vi } from 'vitest';
import { startSweeper } from '../../src/sessions/session-manager.ts';

describe('startSweeper', () => {
  afterEach(() => {
    vi.useRealTimers();
  });

  it('sweeps on every interval until stopped', async () => {
    vi.useFakeTimers();
    const swept: number[] = [];
    let calls = 0;
    const stop = startSweeper({ sweep: async () => ++calls }, 1000, { onSwept: (n) => swept.push(n) });
    await vi.advanceTimersByTimeAsync(3500);
    expect(swept).toEqual([1, 2, 3]);
    stop();
    await vi.advanceTimersByTimeAsync(5000);
    expect(calls).toBe(3);
  });

  it('reports a failed sweep and keeps going', async () => {
    vi.useFakeTimers();
    const errors: unknown[] = [];
    let calls = 0;
    const stop = startSweeper(
      {
        sweep: async () => {
          if (++calls === 1) throw new Error('disk full');
          return 0;
        },
      },
      100,
      { onError: (e) => errors.push(e) },
    );
    await vi.advanceTimersByTimeAsync(250);
    stop();
    expect(errors).toHaveLength(1);
    expect(calls).toBe(2);
  });

  it('does not start a sweep while the previous one runs', async () => {
    vi.useFakeTimers();
    let running = 0;
    let maxRunning = 0;
    let calls = 0;
    const stop = startSweeper(
      {
        sweep: async () => {
          calls++;
          running++;
          maxRunning = Math.max(maxRunning, running);
          await new Promise((resolve) => setTimeout(resolve, 350));
          running--;
          return 0;
        },
      },
      100,
    );
    await vi.advanceTimersByTimeAsync(1000);
    stop();
    expect(maxRunning).toBe(1);
    expect(calls).toBeGreaterThan(1);
    expect(calls).toBeLessThan(10);
  });

  it('does not keep the process alive', () => {
    const spy = vi.spyOn(globalThis, 'setInterval');
    const stop = startSweeper({ sweep: async () => 0 }, 60_000);
    const timer = spy.mock.results[0]?.value as NodeJS.Timeout | undefined;
    expect(timer?.hasRef()).toBe(false);
    stop();
    spy.mockRestore();
  });

  it('rejects a non-positive interval', () => {
    expect(() => startSweeper({ sweep: async () => 0 }, 0)).toThrow(RangeError);
  });
});
