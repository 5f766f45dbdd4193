import { describe, expect, it } from 'vitest';
import { createTimeOrderedIds, timeOrderedId } from '../../src/ids/time-ordered-id.ts';
import { isValidSessionId } from '../../src/sessions/session-id.ts';

const V7 = /^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

/** The 48-bit Unix millisecond timestamp an RFC 9562 version 7 id starts with. */
const msOf = (id: string): number => parseInt(id.slice(0, 8) + id.slice(9, 13), 16);

const increasing = (ids: string[]): boolean => ids.every((id, i) => i === 0 || ids[i - 1]! < id);

describe('time-ordered ids (RFC 9562 version 7)', () => {
  it('is a lower-case UUID of version 7, variant 10, that is a valid session id', () => {
    for (let i = 0; i < 1000; i++) {
      const id = timeOrderedId();
      expect(id).toMatch(V7);
      expect(isValidSessionId(id)).toBe(true);
    }
  });

  it('starts with the clock’s milliseconds', () => {
    const next = createTimeOrderedIds(() => 1_796_000_000_123);
    expect(msOf(next())).toBe(1_796_000_000_123);
    const before = Date.now();
    const id = timeOrderedId();
    expect(msOf(id)).toBeGreaterThanOrEqual(before);
    expect(msOf(id)).toBeLessThanOrEqual(Date.now());
  });

  it('increases strictly within one millisecond', () => {
    const next = createTimeOrderedIds(() => 1_796_000_000_000);
    const ids = Array.from({ length: 10_000 }, next);
    expect(increasing(ids)).toBe(true);
    expect(ids.every((id) => id.startsWith('01a229f1-2800-7'))).toBe(true);
  });

  it('increases strictly across milliseconds, and when the clock steps back', () => {
    let clock = 1_796_000_000_000;
    const next = createTimeOrderedIds(() => clock);
    const ids: string[] = [];
    for (let ms = 0; ms < 200; ms++) {
      clock += 1;
      for (let i = 0; i < 5; i++) ids.push(next());
    }
    clock -= 5_000;
    for (let i = 0; i < 50; i++) ids.push(next());
    expect(increasing(ids)).toBe(true);
    expect(ids.every((id) => V7.test(id))).toBe(true);
  });

  it('orders ids made in later milliseconds after earlier ones whatever the random bits', () => {
    let clock = 1_796_000_000_000;
    const next = createTimeOrderedIds(() => clock);
    const early = Array.from({ length: 100 }, next);
    clock += 1;
    const late = Array.from({ length: 100 }, next);
    expect(early.every((a) => late.every((b) => a < b))).toBe(true);
  });

  it('makes 100,000 distinct ids, however fast they are asked for', () => {
    const ids = new Set(Array.from({ length: 100_000 }, timeOrderedId));
    expect(ids.size).toBe(100_000);
  });

  it('keeps random bits after the timestamp: two generators in one millisecond differ', () => {
    const a = createTimeOrderedIds(() => 1_796_000_000_000);
    const b = createTimeOrderedIds(() => 1_796_000_000_000);
    const ours = new Set(Array.from({ length: 1000 }, a));
    for (let i = 0; i < 1000; i++) expect(ours.has(b())).toBe(false);
  });
});
