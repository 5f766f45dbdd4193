import * as chrono from 'chrono-node';
import { compareCivil, isValidCivil, latestPastMonthDay, wallClock, type CivilDate } from './civil-date.ts';
import type { DateHit } from './date-hit.ts';

/*
 * What chrono-node 2.10.3 reads well, and we take from it: absolute dates ("2026年11月11日",
 * "十一月十一号", "Nov 11", "November 11th", "11 November", "2026-11-11", ranges between them) and
 * English relative days ("today", "the day before yesterday", "three days ago", "a week ago").
 *
 * Its relative dates follow the host's zone even with a `{ instant, timezone }` reference (at
 * 2026-11-24T20:00Z, already the 25th in Shanghai, it says 今天 is the 24th on a UTC host), so it
 * gets a reference Date whose host-local fields are the user's wall clock, and we read calendar
 * fields back, never instants.
 *
 * Everything else it returns is dropped: times of day ("3点", "at 3pm", a bare "夜"), "now",
 * months alone ("March" is also a verb), bare weekdays (put in the future), M/D ("1/2 price"),
 * and anything the rules beside this file read by this project's conventions.
 */
const ABSOLUTE_ZH = /[年月]|\d{4}-\d{1,2}-\d{1,2}/u;
const SLASH_MONTH_DAY = /^\d{1,2}\/\d{1,2}$/u;
// chrono puts "last night" at midnight starting today, also inside longer phrases ("last night at 9").
const LAST_NIGHT = /\blast\s+night\b/iu;

function accept(result: chrono.ParsedResult, zh: boolean): boolean {
  const s = result.start;
  if (/^(?:right\s+)?now$/iu.test(result.text) || SLASH_MONTH_DAY.test(result.text) || LAST_NIGHT.test(result.text)) return false;
  // Chinese relative expressions are the rules' ("三月前" is "before March", not 3 months ago).
  if (zh && (!ABSOLUTE_ZH.test(result.text) || /[前后内]$/u.test(result.text))) return false;
  if (!s.isCertain('month')) return false;
  return s.isCertain('day') || /\bago\b/iu.test(result.text);
}

function calendarDate(c: chrono.ParsedComponents, today: CivilDate): CivilDate | null {
  const month = c.get('month') ?? 0;
  const day = c.get('day') ?? 0;
  if (!c.isCertain('year')) return latestPastMonthDay(month, day, today);
  const d = { year: c.get('year') ?? 0, month, day };
  return isValidCivil(d) && d.year >= 1970 && d.year <= 2100 ? d : null;
}

/**
 * Texts a parser could return an accepted date from, checked before parsing (chrono is the
 * costliest step of entity extraction): a Chinese date is accepted only with 年, 月 or
 * yyyy-m-d in its text, which is part of the message.
 */
const MAY_HOLD_ZH = ABSOLUTE_ZH;

/*
 * The English parser (chrono-node 2.10.3, casual) finds a date we accept (its month certain) only
 * where one of its date parsers matches, and each needs one of these in the text (refiners only
 * merge or drop what parsers found; a time of day alone, "at 3pm", never has a certain month):
 * digits around a date separator (ISO, slash, y-m-d, m/yyyy); a month or weekday name or "week"
 * (weekend, weekday); a casual word (now, today, tonight, tomorrow, overmorrow, tmr, yesterday,
 * last night, morning … noon, midday); "month" (end of the month); a relative unit after
 * this/last/past/next/after ("last week", even "last s"); or a duration ("within a day", "3 days
 * ago", "two weeks ago", "a few days later"), which chrono keeps only if one of its number-unit
 * pieces holds a digit or a space ("them" is the + m, and dropped): a digit, a spelled number,
 * a/an/the/several and whitespace before a unit's first letter, or half, couple, few.
 * Substrings and letter classes make these wider than chrono's patterns, never narrower; the test
 * beside this file checks the skip against chrono itself. A sentence with none of them ("How long
 * does shipping take?", "where is KF20261124001") skips chrono, a third of entity extraction.
 * Linear: literals, and one separator or whitespace run per start.
 */
const EN_ANCHOR = /jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec|sun|mon|tue|wed|thu|fri|sat|week|now|today|night|morrow|tmr|yesterday|morning|afternoon|evening|noon|midday|month|half|couple|few/i;
const EN_DIGITS = /[0-9][-./\s]+[0-9]|[0-9]\s*[smhdwyq]/i;
const EN_DURATION = /(?:one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|an?|several|the)\s+[smhdwyq]/i;
const EN_RELATIVE = /(?:this|last|past|next|after)\s*(?:s|sec|seconds?|m|mins?|minutes?|h|hrs?|hours?|d|days?|w|mos?|qtr|quarters?|y|yr|years?)(?![a-z0-9_])/i;

export function mayHoldEnglishDate(text: string): boolean {
  return EN_ANCHOR.test(text) || EN_DIGITS.test(text) || EN_DURATION.test(text) || EN_RELATIVE.test(text);
}
const MAY_HOLD_EN = { test: mayHoldEnglishDate };

/**
 * The text with each whitespace run cut to its first character, and the offset in the original of
 * every kept character (plus the end). chrono's patterns take time cubic in the length of a
 * whitespace run ("一个月" and 2,000 spaces: 3 s; issue 13); single spaces cost nothing.
 */
const WHITESPACE_RUN = /\s\s/u;

function collapseWhitespace(text: string): { text: string; offsets: number[] | null } {
  // The common case, no run at all: the text as it is, offsets unchanged (null).
  if (!WHITESPACE_RUN.test(text)) return { text, offsets: null };
  let out = '';
  const offsets: number[] = [];
  for (let i = 0; i < text.length; i++) {
    const ch = text[i]!;
    if (/\s/u.test(ch) && i > 0 && /\s/u.test(text[i - 1]!)) continue;
    out += ch;
    offsets.push(i);
  }
  offsets.push(text.length);
  return { text: out, offsets };
}

export function findChronoDates(original: string, now: Date, timeZone: string, today: CivilDate): DateHit[] {
  const parsers = ([[chrono.zh.hans, true, MAY_HOLD_ZH], [chrono.en, false, MAY_HOLD_EN]] as const).filter(([, , may]) => may.test(original));
  if (parsers.length === 0) return [];
  const { text, offsets } = collapseWhitespace(original);
  const w = wallClock(now, timeZone);
  const reference = new Date(w.year, w.month - 1, w.day, w.hour, w.minute);
  const hits: DateHit[] = [];
  for (const [parser, zh] of parsers) {
    for (const r of parser.parse(text, reference)) {
      if (!accept(r, zh)) continue;
      const value = calendarDate(r.start, today);
      if (value === null) continue;
      // Back to the original's offsets: the end is just after the last character read.
      const start = offsets === null ? r.index : offsets[r.index]!;
      const end = offsets === null ? r.index + r.text.length : offsets[r.index + r.text.length - 1]! + 1;
      const hit: DateHit = { start, end, value, source: 'chrono' };
      if (r.end?.isCertain('day')) {
        // A range without years ("11月11日到13日") shifts with its start.
        const shift = r.start.isCertain('year') ? 0 : value.year - (r.start.get('year') ?? value.year);
        const endValue = { year: (r.end.get('year') ?? value.year) + shift, month: r.end.get('month') ?? 0, day: r.end.get('day') ?? 0 };
        if (isValidCivil(endValue) && compareCivil(endValue, value) >= 0) hit.endValue = endValue;
      }
      hits.push(hit);
    }
  }
  return hits;
}
