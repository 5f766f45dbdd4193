import { describe, expect, it } from 'vitest';
import { findTimeExpressions } from '../../../src/dialogue/entities/normalize-time.ts';

// Wednesday 2026-11-25 10:30 in Shanghai.
const NOW = new Date('2026-11-25T02:30:00Z');
const SHANGHAI = 'Asia/Shanghai';

function dates(text: string, now = NOW, timeZone = SHANGHAI) {
  return findTimeExpressions(text, { now, timeZone }).map(({ text: t, value, endValue, partOfDay }) => ({
    text: t, value, ...(endValue ? { endValue } : {}), ...(partOfDay ? { partOfDay } : {}),
  }));
}

function only(text: string, now = NOW, timeZone = SHANGHAI) {
  const found = dates(text, now, timeZone);
  expect(found, text).toHaveLength(1);
  const [first] = found;
  if (first === undefined) throw new Error(`no date in ${text}`);
  return first;
}

describe('findTimeExpressions, Chinese', () => {
  it('reads the design sentence: 昨天下的单 is the 24th, and 下 is not 下午', () => {
    const [entity] = findTimeExpressions('昨天下的单怎么还没发货?', { now: NOW, timeZone: SHANGHAI });
    expect(entity).toEqual({ type: 'date', text: '昨天', start: 0, end: 2, value: '2026-11-24' });
  });

  it.each([
    ['今天', '2026-11-25'], ['昨天', '2026-11-24'], ['前天', '2026-11-23'], ['大前天', '2026-11-22'],
    ['明天', '2026-11-26'], ['后天', '2026-11-27'], ['大后天', '2026-11-28'],
  ])('day word %s → %s', (text, value) => {
    expect(only(text)).toEqual({ text, value });
  });

  it.each([
    ['前天晚上', '2026-11-23', 'evening'], ['昨天上午', '2026-11-24', 'morning'], ['昨天早上', '2026-11-24', 'morning'],
    ['昨天中午', '2026-11-24', 'noon'], ['昨天下午', '2026-11-24', 'afternoon'], ['昨天凌晨', '2026-11-24', 'night'],
    ['昨天半夜', '2026-11-24', 'night'], ['昨晚', '2026-11-24', 'evening'], ['今早', '2026-11-25', 'morning'],
    ['上周五下午', '2026-11-20', 'afternoon'], ['11月11号晚上', '2026-11-11', 'evening'],
  ])('part of day %s → %s %s', (text, value, partOfDay) => {
    expect(only(text)).toEqual({ text, value, partOfDay });
  });

  it.each([
    ['上周五', '2026-11-20'], ['上个星期五', '2026-11-20'], ['上礼拜五', '2026-11-20'], ['这周一', '2026-11-23'],
    ['本周二', '2026-11-24'], ['下周一', '2026-11-30'], ['上上周三', '2026-11-11'],
    // Weeks run Monday..Sunday, so last week's Sunday is the 22nd (chrono-node says the 15th).
    ['上礼拜天', '2026-11-22'], ['上周日', '2026-11-22'],
    // Bare weekday: the most recent one, today included.
    ['周三', '2026-11-25'], ['星期五', '2026-11-20'], ['礼拜天', '2026-11-22'], ['周一', '2026-11-23'], ['周4', '2026-11-19'],
  ])('weekday %s → %s', (text, value) => {
    expect(only(text)).toEqual({ text, value });
  });

  it('counts weeks from Monday when today is Sunday', () => {
    const sunday = new Date('2026-11-29T04:00:00Z'); // 12:00 in Shanghai
    expect(only('上周五', sunday).value).toBe('2026-11-20');
    expect(only('这周五', sunday).value).toBe('2026-11-27');
    expect(only('周五', sunday).value).toBe('2026-11-27');
    expect(only('周日', sunday).value).toBe('2026-11-29');
    expect(only('本周', sunday)).toMatchObject({ value: '2026-11-23', endValue: '2026-11-29' });
  });

  it.each([
    ['本周', '2026-11-23', '2026-11-29'], ['这周', '2026-11-23', '2026-11-29'], ['上周', '2026-11-16', '2026-11-22'],
    ['上个星期', '2026-11-16', '2026-11-22'], ['上个月', '2026-10-01', '2026-10-31'], ['这个月', '2026-11-01', '2026-11-30'],
    ['本月', '2026-11-01', '2026-11-30'], ['上周末', '2026-11-21', '2026-11-22'], ['周末', '2026-11-21', '2026-11-22'],
  ])('range %s → %s..%s', (text, value, endValue) => {
    expect(only(text)).toEqual({ text, value, endValue });
  });

  it.each([
    ['3天前', '2026-11-22'], ['三天前', '2026-11-22'], ['十五天之前', '2026-11-10'], ['两周前', '2026-11-11'],
    ['一个星期前', '2026-11-18'], ['两个礼拜以前', '2026-11-11'],
    // Half a month is 15 days (chrono-node: 17).
    ['半个月前', '2026-11-10'], ['一个月前', '2026-10-25'], ['三个月前', '2026-08-25'], ['半年前', '2026-05-25'],
    ['一年前', '2025-11-25'],
  ])('%s → %s', (text, value) => {
    expect(only(text)).toEqual({ text, value });
  });

  it.each([
    ['11月11号', '2026-11-11'], ['11月11日', '2026-11-11'], ['十一月十一号', '2026-11-11'], ['双十一', '2026-11-11'],
    ['双11', '2026-11-11'], ['2026年11月11日', '2026-11-11'], ['2026-11-11', '2026-11-11'], ['11/11', '2026-11-11'],
    ['去年双十一', '2025-11-11'], ['去年11月11日', '2025-11-11'], ['上个月5号', '2026-10-05'],
    // A month-day that would be in the future is last year's.
    ['12月1号', '2025-12-01'], ['双十二', '2025-12-12'], ['12/1', '2025-12-01'],
  ])('date %s → %s', (text, value) => {
    expect(only(text)).toEqual({ text, value });
  });

  it('reads a bare day of the month only before words about the order', () => {
    expect(dates('我11号下的单')).toEqual([{ text: '11号', value: '2026-11-11' }]);
    expect(dates('我28号付的款')).toEqual([{ text: '28号', value: '2026-10-28' }]);
    expect(dates('坐3号线到5号楼')).toEqual([]);
  });

  it('finds several expressions in one message, in order', () => {
    expect(dates('我上周五下的单，昨天晚上才发货，说好3天前到的')).toEqual([
      { text: '上周五', value: '2026-11-20' },
      { text: '昨天晚上', value: '2026-11-24', partOfDay: 'evening' },
      { text: '3天前', value: '2026-11-22' },
    ]);
  });

  it.each([
    '我要三个', 'iPhone 15', '订单KF20261124001', '1299元', '3点能到吗', '马上周一', '一周一次', '每周三都送',
    '以前天天用', '然后天天打电话', '售后天天不接', '现在怎么办', '3个月', '5号楼', '1/2 price', '买了3/5个',
    '三月前发货吗', '3日前发货吗', '日本周边', '一个星期一次', '周一到周五都能发货吗', '星期一至星期五在线',
  ])('finds no date in %s', (text) => {
    expect(dates(text)).toEqual([]);
  });

  it('guards only the day word whose tail another word ends in', () => {
    expect(dates('他说昨天发货')).toEqual([{ text: '昨天', value: '2026-11-24' }]);
    expect(dates('客服说明天到')).toEqual([{ text: '明天', value: '2026-11-26' }]);
    expect(dates('以前天天用')).toEqual([]);
  });

  it('does not take 天 in 天气 as Sunday', () => {
    expect(dates('这周天气不好')).toEqual([{ text: '这周', value: '2026-11-23', endValue: '2026-11-29' }]);
  });
});

describe('findTimeExpressions, English', () => {
  it.each([
    ['today', '2026-11-25'], ['yesterday', '2026-11-24'], ['the day before yesterday', '2026-11-23'],
    ['day before yesterday', '2026-11-23'], ['tomorrow', '2026-11-26'],
    ['last Friday', '2026-11-20'], ['Friday', '2026-11-20'], ['last Wednesday', '2026-11-18'], ['Wednesday', '2026-11-25'],
    ['this Friday', '2026-11-27'], ['next Monday', '2026-11-30'],
    ['3 days ago', '2026-11-22'], ['three days ago', '2026-11-22'], ['a week ago', '2026-11-18'],
    ['two weeks ago', '2026-11-11'], ['a month ago', '2026-10-25'],
    ['Nov 11', '2026-11-11'], ['November 11th', '2026-11-11'], ['11 November', '2026-11-11'], ['11th November', '2026-11-11'],
    ['November 11, 2025', '2025-11-11'], ['2026-11-11', '2026-11-11'], ['Dec 1', '2025-12-01'],
  ])('%s → %s', (text, value) => {
    expect(only(text)).toEqual({ text, value });
  });

  it('reads "on Monday" as the past Monday', () => {
    expect(dates('I ordered it on Monday')).toEqual([{ text: 'Monday', value: '2026-11-23' }]);
  });

  it.each([
    ['this week', '2026-11-23', '2026-11-29'], ['last week', '2026-11-16', '2026-11-22'],
    ['this month', '2026-11-01', '2026-11-30'], ['last month', '2026-10-01', '2026-10-31'],
    ['the week before last', '2026-11-09', '2026-11-15'],
  ])('range %s → %s..%s', (text, value, endValue) => {
    expect(only(text)).toEqual({ text, value, endValue });
  });

  it.each([
    ['yesterday evening', '2026-11-24', 'evening'], ['last night', '2026-11-24', 'evening'],
    ['tonight', '2026-11-25', 'evening'], ['this morning', '2026-11-25', 'morning'],
    ['yesterday afternoon', '2026-11-24', 'afternoon'], ['Friday night', '2026-11-20', 'evening'],
    ['yesterday in the morning', '2026-11-24', 'morning'],
  ])('part of day %s → %s %s', (text, value, partOfDay) => {
    expect(only(text)).toEqual({ text, value, partOfDay });
  });

  it('reads last night by the user, also inside a longer phrase', () => {
    expect(dates('I placed it last night at 9pm')).toEqual([{ text: 'last night', value: '2026-11-24', partOfDay: 'evening' }]);
  });

  it.each(['iPhone 15', 'I want 3', 'order KF20261124001', 'at 3pm', 'right now', 'I may return it in March', '$19.99', 'it is 1/2 price'])(
    'finds no date in %s', (text) => {
      expect(dates(text)).toEqual([]);
    },
  );
});

describe('findTimeExpressions, time zones', () => {
  // 2026-11-24T20:00Z is Wednesday 11-25 04:00 in Shanghai but still Tuesday 11-24 in UTC.
  const nearMidnight = new Date('2026-11-24T20:00:00Z');

  it('resolves days on the user\'s calendar, not the server\'s', () => {
    expect(only('今天', nearMidnight).value).toBe('2026-11-25');
    expect(only('昨天下的单', nearMidnight).value).toBe('2026-11-24');
    expect(only('today', nearMidnight).value).toBe('2026-11-25');
    expect(only('3 days ago', nearMidnight).value).toBe('2026-11-22');
    expect(only('周三', nearMidnight).value).toBe('2026-11-25');
    expect(only('本周', nearMidnight)).toMatchObject({ value: '2026-11-23', endValue: '2026-11-29' });
  });

  it('gives other dates for the same instant in UTC', () => {
    expect(only('今天', nearMidnight, 'UTC').value).toBe('2026-11-24');
    expect(only('昨天', nearMidnight, 'UTC').value).toBe('2026-11-23');
    expect(only('周三', nearMidnight, 'UTC').value).toBe('2026-11-18');
  });

  it('works for America/New_York (Tuesday 11-24 21:30 there)', () => {
    const ny = 'America/New_York';
    expect(only('yesterday', NOW, ny).value).toBe('2026-11-23');
    expect(only('昨天下的单怎么还没发货?', NOW, ny).value).toBe('2026-11-23');
    expect(only('Wednesday', NOW, ny).value).toBe('2026-11-18');
    expect(only('last night', NOW, ny)).toMatchObject({ value: '2026-11-23', partOfDay: 'evening' });
    expect(only('this week', NOW, ny)).toMatchObject({ value: '2026-11-23', endValue: '2026-11-29' });
    expect(only('Nov 11', NOW, ny).value).toBe('2026-11-11');
  });

  it('crosses the year: in early January, last month and Dec 1 are last year', () => {
    const jan = new Date('2026-01-05T02:00:00Z');
    expect(only('上个月', jan)).toMatchObject({ value: '2025-12-01', endValue: '2025-12-31' });
    expect(only('12月1号', jan).value).toBe('2025-12-01');
    expect(only('1月5号', jan).value).toBe('2026-01-05');
    expect(only('双十一', jan).value).toBe('2025-11-11');
    expect(only('上周', jan)).toMatchObject({ value: '2025-12-29', endValue: '2026-01-04' });
  });

  it('rejects an unknown zone', () => {
    expect(() => findTimeExpressions('今天', { now: NOW, timeZone: 'Mars/Olympus' })).toThrow(RangeError);
  });
});
