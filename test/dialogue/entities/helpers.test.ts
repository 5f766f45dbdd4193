import { describe, expect, it } from 'vitest';
import { parseChineseNumber } from '../../../src/dialogue/entities/chinese-number.ts';
import { addMonths, civilToday, formatCivil, latestPastMonthDay, wallClock } from '../../../src/dialogue/entities/civil-date.ts';

describe('parseChineseNumber', () => {
  it.each([
    ['三', 3], ['十', 10], ['十一', 11], ['二十', 20], ['九十九', 99], ['一百九十九', 199], ['两百', 200], ['两百五', 250],
    ['一千零五', 1005], ['三千零五十', 3050], ['一万', 10_000], ['3万', 30_000], ['15', 15], ['零', 0],
  ])('%s → %d', (text, n) => {
    expect(parseChineseNumber(text)).toBe(n);
  });

  it.each(['', '一二', '十百', '万', 'abc'])('rejects %j', (text) => {
    expect(parseChineseNumber(text)).toBeNull();
  });
});

describe('civil dates', () => {
  it('reads the calendar in the zone, not the host', () => {
    const instant = new Date('2026-11-24T20:00:00Z');
    expect(formatCivil(civilToday(instant, 'Asia/Shanghai'))).toBe('2026-11-25');
    expect(formatCivil(civilToday(instant, 'America/New_York'))).toBe('2026-11-24');
  });

  it('reads the wall clock as Intl does for every second around midnights and DST changes, zones with odd offsets included', () => {
    const zones = ['Asia/Shanghai', 'Asia/Kathmandu', 'Australia/Lord_Howe', 'America/St_Johns', 'America/New_York', 'Europe/London', 'UTC'];
    // Instants in increasing then repeated order, as a server sees them: a day edge in Kathmandu
    // (+05:45), New York's 2026 spring-forward and London's autumn fall-back.
    const starts = [Date.UTC(2026, 10, 24, 18, 13, 30), Date.UTC(2026, 2, 8, 6, 58, 0), Date.UTC(2026, 9, 25, 0, 58, 0), Date.UTC(2026, 3, 4, 15, 29, 0)];
    for (const zone of zones) {
      const format = new Intl.DateTimeFormat('en-US', { timeZone: zone, hourCycle: 'h23', year: 'numeric', month: 'numeric', day: 'numeric', hour: 'numeric', minute: 'numeric' });
      for (const start of starts) {
        for (let s = 0; s < 180; s += 7) {
          const now = new Date(start + s * 1000 + (s % 3) * 333);
          const field = (type: string): number => Number(format.formatToParts(now).find((p) => p.type === type)?.value);
          expect(wallClock(now, zone), `${zone} ${now.toISOString()}`).toEqual({ year: field('year'), month: field('month'), day: field('day'), hour: field('hour'), minute: field('minute') });
        }
      }
    }
  });

  it('clamps month arithmetic to the month end', () => {
    expect(formatCivil(addMonths({ year: 2026, month: 3, day: 31 }, -1))).toBe('2026-02-28');
    expect(formatCivil(addMonths({ year: 2026, month: 1, day: 15 }, -2))).toBe('2025-11-15');
  });

  it('looks back for a month-day without a year, to a leap year for Feb 29', () => {
    const today = { year: 2026, month: 11, day: 25 };
    expect(formatCivil(latestPastMonthDay(11, 25, today)!)).toBe('2026-11-25');
    expect(formatCivil(latestPastMonthDay(11, 26, today)!)).toBe('2025-11-26');
    expect(formatCivil(latestPastMonthDay(2, 29, today)!)).toBe('2024-02-29');
    expect(latestPastMonthDay(2, 30, today)).toBeNull();
  });
});
