import { describe, expect, it } from 'vitest';
import { parseBusinessHours } from '../../src/handoff/business-hours.ts';

describe('business hours', () => {
  const at = (iso: string) => new Date(iso);
  it('reads daily and per-day hours in the shop zone', () => {
    const daily = parseBusinessHours('09:00-22:00', 'Asia/Shanghai');
    expect(daily.isOpen(at('2026-11-24T01:00:00Z'))).toBe(true); // 09:00 Shanghai
    expect(daily.isOpen(at('2026-11-24T00:59:00Z'))).toBe(false); // 08:59
    expect(daily.isOpen(at('2026-11-24T14:00:00Z'))).toBe(false); // 22:00 is closed
    const week = parseBusinessHours('mon-fri 09:00-18:00; sat 10:00-16:00', 'Asia/Shanghai');
    expect(week.isOpen(at('2026-11-28T03:00:00Z'))).toBe(true); // Saturday 11:00
    expect(week.isOpen(at('2026-11-29T03:00:00Z'))).toBe(false); // Sunday
    expect(parseBusinessHours('fri-mon 10:00-12:00', 'UTC').isOpen(at('2026-11-30T11:00:00Z'))).toBe(true); // wraps to Monday
    expect(parseBusinessHours('always', 'UTC').isOpen(at('2026-11-29T03:00:00Z'))).toBe(true);
  });
  it('explains what it cannot read', () => {
    expect(() => parseBusinessHours('9-5', 'UTC')).toThrow(/cannot read "9-5"/);
    expect(() => parseBusinessHours('xyz 09:00-10:00', 'UTC')).toThrow(/unknown day/);
    expect(() => parseBusinessHours('18:00-09:00', 'UTC')).toThrow(/open before it closes/);
  });
});
