import { readFileSync, readdirSync } from 'node:fs';
import * as chrono from 'chrono-node';
import { describe, expect, it } from 'vitest';
import { mayHoldEnglishDate } from '../../../src/dialogue/entities/find-chrono-dates.ts';

/*
 * find-chrono-dates.ts skips chrono's English parser when the text holds none of the words and
 * digits its date parsers need. The skip must never drop a reading: wherever it says "nothing
 * there", chrono itself must find no date with a certain month (find-chrono-dates.ts drops every
 * other reading, times of day alone among them).
 */
const REFERENCE = new Date(2026, 10, 25, 10, 30);

// Date words, units and their abbreviations, number words, the words around durations, and
// ordinary chat words, joined in every way chrono's patterns allow (no space, several, commas).
const WORDS = [
  'a', 'an', 'the', 'one', 'two', 'ten', 'twelve', 'several', 'few', 'half', 'couple', 'of', 's', 'm', 'h', 'd', 'w', 'y', 'q',
  'mo', 'mos', 'hr', 'hrs', 'min', 'mins', 'sec', 'qtr', 'yr', 'day', 'days', 'week', 'month', 'year', 'hour', 'minute', 'second',
  'quarter', 'ago', 'later', 'after', 'before', 'earlier', 'within', 'in', 'for', 'this', 'last', 'past', 'next', 'now', 'right',
  'today', 'tonight', 'tomorrow', 'tmr', 'yesterday', 'night', 'morning', 'evening', 'noon', 'midday', 'Monday', 'fri', 'Nov',
  'may', 'March', 'at', 'on', 'to', 'until', 'from', 'out', 'forward', 'henceforth', 'end', 'about', 'around', 'just', 'them',
  'they', 'as', 'and', 'lasts', 'shipping', 'order', 'how', 'long', 'does', 'take', 'refund', 'is', 'my', 'when', 'phone', 'ok',
  '3', '11', '2026', 'pm', 'am', '-', '+', '/', ':', '?', 'ſ', 'K', '3pm', '10:30', '3/4', '2026-11-24', '1.5', '3d', '3rd', '11th',
  'KF20261124001', '[PHONE_1]', '12.5', '24h', '7', '2026.11.24', '11-24',
];
const SEPARATORS = [' ', ' ', ' ', '', '  ', ', ', '\t', '\u3000', ' - '];

function* generated(count: number): Generator<string> {
  let seed = 20261207;
  const next = (n: number): number => {
    seed = (seed * 1103515245 + 12345) % 2147483648;
    return seed % n;
  };
  for (let i = 0; i < count; i++) {
    let text = '';
    const length = 1 + next(6);
    for (let k = 0; k < length; k++) text += (k === 0 ? '' : SEPARATORS[next(SEPARATORS.length)]!) + WORDS[next(WORDS.length)]!;
    yield text;
  }
}

// Durations as chrono's patterns build them: a prefix, a number word (or an ordinary word), a unit
// or an abbreviation, a suffix; these are the readings that need no date word at all.
const PREFIXES = ['', '', 'within ', 'in ', 'for ', 'this ', 'last', 'past ', 'next ', 'after ', '+', '- ', 'about ', 'so '];
const NUMBERS = ['a', 'an', 'the', 'one', 'seven', 'twelve', 'several', 'few', 'a few', 'half an', 'a couple of', 'couple', 'pizza', 'done', 'often', 'they', '3', '1.5', '', 'KF2026'];
const UNITS = ['s', 'sec', 'seconds', 'm', 'min', 'mins', 'minutes', 'h', 'hr', 'hrs', 'hours', 'd', 'days', 'w', 'weeks', 'mo', 'mos', 'months', 'qtr', 'quarters', 'y', 'yr', 'years', 'dog', 'shop'];
const SUFFIXES = ['', '', ' ago', 'ago', ' before', ' earlier', ' later', 'later', ' after', ' from now', ' henceforth', ' forward', ' out', 'out', ' and the m', ', a d ago', '!'];

function* durations(): Generator<string> {
  for (const prefix of PREFIXES) {
    for (const number of NUMBERS) {
      for (const unit of UNITS) {
        for (const [i, suffix] of SUFFIXES.entries()) {
          yield `${prefix}${number}${i % 2 === 0 ? ' ' : '  '}${unit}${suffix}`;
          if (number !== '') yield `${prefix}${number}${unit}${suffix}`;
        }
      }
    }
  }
}

function evalTexts(): string[] {
  const texts: string[] = [];
  for (const dir of ['eval/nlu', 'eval/guard', 'eval/pii']) {
    for (const name of readdirSync(dir).filter((n) => n.endsWith('.jsonl'))) {
      for (const line of readFileSync(`${dir}/${name}`, 'utf8').split('\n')) {
        if (line.trim() !== '') texts.push((JSON.parse(line) as { text: string }).text);
      }
    }
  }
  return texts;
}

describe('the English date pre-check', () => {
  it('skips only texts in which chrono finds no date with a certain month', () => {
    let skipped = 0;
    let total = 0;
    for (const text of [...generated(20_000), ...durations(), ...evalTexts()]) {
      total++;
      if (mayHoldEnglishDate(text)) continue;
      skipped++;
      expect(chrono.en.parse(text, REFERENCE).filter((r) => r.start.isCertain('month')).map((r) => r.text), text).toEqual([]);
    }
    // It does skip: a test that skipped nothing would prove nothing.
    expect(skipped).toBeGreaterThan(total / 10);
  });

  it('skips a plain question and keeps dates, durations and relative days', () => {
    for (const text of ['How long does shipping take?', 'where is KF20261124001', 'call [PHONE_1] at 3pm']) expect(mayHoldEnglishDate(text), text).toBe(false);
    for (const text of ['Nov 11', 'three days ago', '3 days ago', 'a week ago', 'within a day', 'in 2h', 'last s', 'yesterday', '11/24', '2026-11-24', 'Friday night', 'end of month', 'a couple of weeks ago']) {
      expect(mayHoldEnglishDate(text), text).toBe(true);
    }
  });
});
