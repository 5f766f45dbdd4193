import * as chrono from 'chrono-node';
import { describe, expect, it } from 'vitest';

/*
 * What chrono-node 2.10.3 does with the expressions we care about, pinned so that an upgrade that
 * changes it shows up here: the cases we take from it, and the gaps our own rules fill.
 * The reference is the user's wall clock as a host-local Date, as find-chrono-dates.ts passes it.
 */
const WALL = new Date(2026, 10, 25, 10, 30); // Wednesday 2026-11-25 10:30

type Parser = Pick<typeof chrono.en, 'parse'>;

function read(parser: Parser, text: string, reference = WALL) {
  return parser.parse(text, reference).map((r) => ({
    text: r.text,
    date: [r.start.get('year'), r.start.get('month'), r.start.get('day')].join('-'),
    certainDay: r.start.isCertain('day'),
  }));
}

describe('chrono-node 2.10.3: what we take from it', () => {
  it.each([
    ['2026年11月11日', '2026-11-11'], ['十一月十一号', '2026-11-11'], ['11月11号', '2026-11-11'], ['2026-11-11', '2026-11-11'],
  ])('zh %s → %s', (text, date) => {
    expect(read(chrono.zh.hans, text)).toEqual([{ text, date, certainDay: true }]);
  });

  it.each([
    ['Nov 11', '2026-11-11'], ['November 11th', '2026-11-11'], ['11 November', '2026-11-11'],
    ['the day before yesterday', '2026-11-23'], ['three days ago', '2026-11-22'], ['a week ago', '2026-11-18'],
    ['yesterday', '2026-11-24'], ['yesterday evening', '2026-11-24'],
  ])('en %s → %s', (text, date) => {
    expect(read(chrono.en, text)).toEqual([{ text, date, certainDay: true }]);
  });
});

describe('chrono-node 2.10.3: the gaps our rules fill', () => {
  it('reads 半个月前 as 17 days and misses 两周前, week and month ranges and 双十一', () => {
    expect(read(chrono.zh.hans, '半个月前')[0]?.date).toBe('2026-11-8');
    for (const text of ['两周前', '本周', '上周', '上个月', '这个月', '双十一', '双11', '11/11']) {
      expect(read(chrono.zh.hans, text), text).toEqual([]);
    }
  });

  it('starts weeks on Sunday (上礼拜天 the 15th) and puts bare weekdays and month-days ahead', () => {
    expect(read(chrono.zh.hans, '上礼拜天')[0]?.date).toBe('2026-11-15');
    expect(read(chrono.zh.hans, '星期五')[0]?.date).toBe('2026-11-27');
    expect(read(chrono.zh.hans, '12月1号')[0]?.date).toBe('2026-12-1');
    expect(read(chrono.en, 'Friday')[0]?.date).toBe('2026-11-27');
  });

  it('splits 昨天半夜 and reads the 夜 as tonight', () => {
    expect(read(chrono.zh.hans, '昨天半夜').map((r) => r.text)).toEqual(['昨天', '夜']);
  });

  it('puts "last night" at midnight starting today in the small hours, "last week" seven days back', () => {
    expect(read(chrono.en, 'last night', new Date(2026, 10, 25, 4, 0))[0]?.date).toBe('2026-11-25');
    expect(read(chrono.en, 'last week')[0]?.date).toBe('2026-11-18');
    expect(read(chrono.en, 'day before yesterday').map((r) => r.text)).toEqual(['yesterday']);
  });

  it('takes "1/2 price" for a date in the future', () => {
    expect(read(chrono.en, '1/2 price')[0]?.date).toBe('2027-1-2');
  });

  // On a host whose calendar still says the 24th at this instant (UTC, the Americas), chrono's
  // relative days follow the host and not the reference zone; find-chrono-dates.ts works around it.
  const nearMidnight = new Date('2026-11-24T20:00:00Z'); // 11-25 04:00 in Shanghai
  it.runIf(nearMidnight.getDate() === 24)('resolves 今天 in the host zone despite a Shanghai reference', () => {
    const [today] = chrono.zh.hans.parse('今天', { instant: nearMidnight, timezone: 'Asia/Shanghai' });
    expect(today?.start.get('day')).toBe(24);
  });
});
