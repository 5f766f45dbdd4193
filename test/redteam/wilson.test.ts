import { describe, expect, it } from 'vitest';
import { rateOf, wilsonInterval } from '../../src/redteam/wilson.ts';

describe('Wilson 95% interval', () => {
  it('matches published values', () => {
    const close = (r: { low: number; high: number }, low: number, high: number) => {
      expect(r.low).toBeCloseTo(low, 4);
      expect(r.high).toBeCloseTo(high, 4);
    };
    close(wilsonInterval(0, 10), 0, 0.2775);
    close(wilsonInterval(5, 10), 0.2366, 0.7634);
    close(wilsonInterval(10, 10), 0.7225, 1);
    close(wilsonInterval(1, 100), 0.0018, 0.0545);
  });
  it('is the whole range with no trials', () => {
    expect(rateOf(0, 0)).toEqual({ n: 0, k: 0, rate: 0, low: 0, high: 1 });
    expect(rateOf(3, 12).rate).toBe(0.25);
  });
});
