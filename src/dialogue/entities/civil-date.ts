/**
 * A calendar date with no time and no zone: what a customer means by "yesterday". Arithmetic runs
 * on UTC midnights so that no host time zone or daylight-saving jump can move a day.
 */
export interface CivilDate {
  year: number;
  /** 1..12 */
  month: number;
  /** 1..31 */
  day: number;
}

const DAY_MS = 86_400_000;

/** The date on the wall calendar in `timeZone` at the instant `now` (throws RangeError for an unknown zone). */
export function civilToday(now: Date, timeZone: string): CivilDate {
  const w = wallClock(now, timeZone);
  return { year: w.year, month: w.month, day: w.day };
}

type WallClock = CivilDate & { hour: number; minute: number };

interface ZoneFormat {
  format: Intl.DateTimeFormat;
  /** Whether its string ("11/24/2026, 20:05") was checked to read as the parts do. */
  readsString: boolean;
}

// Building an Intl.DateTimeFormat costs far more than formatting with one: one per zone, reused.
const FORMATS = new Map<string, ZoneFormat>();
// en-US with h23: month/day/year, hour:minute. format() costs a third of formatToParts(), and its
// string is the parts joined; the order is checked on a known instant for each formatter, and a
// string of any other shape is read from the parts.
const WALL_STRING = /^(\d{1,2})\/(\d{1,2})\/(\d{4}), (\d{2}):(\d{2})$/;
const PROBE = new Date(Date.UTC(2001, 10, 23, 14, 5));

function fromParts(format: Intl.DateTimeFormat, now: Date): WallClock {
  const parts = format.formatToParts(now);
  const field = (type: Intl.DateTimeFormatPartTypes): number => Number(parts.find((p) => p.type === type)?.value);
  return { year: field('year'), month: field('month'), day: field('day'), hour: field('hour'), minute: field('minute') };
}

function fromString(format: Intl.DateTimeFormat, now: Date): WallClock | null {
  const m = WALL_STRING.exec(format.format(now));
  if (m === null) return null;
  return { year: Number(m[3]), month: Number(m[1]), day: Number(m[2]), hour: Number(m[4]), minute: Number(m[5]) };
}

function formatFor(timeZone: string): ZoneFormat {
  let f = FORMATS.get(timeZone);
  if (f === undefined) {
    const format = new Intl.DateTimeFormat('en-US', {
      timeZone, hourCycle: 'h23', year: 'numeric', month: 'numeric', day: 'numeric', hour: 'numeric', minute: 'numeric',
    });
    const expected = fromParts(format, PROBE);
    const read = fromString(format, PROBE);
    const readsString = read !== null && (Object.keys(expected) as (keyof WallClock)[]).every((k) => read[k] === expected[k]);
    f = { format, readsString };
    if (FORMATS.size > 64) FORMATS.clear();
    FORMATS.set(timeZone, f);
  }
  return f;
}

const MINUTE_MS = 60_000;

// Every turn reads the wall clock (today's date, chrono's reference), and formatting costs about
// 10 µs: the last reading is kept for its UTC minute and zone. The fields only change at minute
// boundaries because every zone's offset since 1970 is a whole number of minutes (seconds offsets
// are local mean times of the 19th century), so earlier instants are always formatted.
let lastReading: { minute: number; timeZone: string; fields: Readonly<WallClock> } | undefined;

/** Wall-clock fields in `timeZone`, hour 0..23. */
export function wallClock(now: Date, timeZone: string): WallClock {
  const at = now.getTime();
  const minute = Math.floor(at / MINUTE_MS);
  if (lastReading !== undefined && lastReading.minute === minute && lastReading.timeZone === timeZone) return { ...lastReading.fields };
  const { format, readsString } = formatFor(timeZone);
  const fields = (readsString ? fromString(format, now) : null) ?? fromParts(format, now);
  if (at >= 0) lastReading = { minute, timeZone, fields };
  return { ...fields };
}

function toEpochDay(d: CivilDate): number {
  return Date.UTC(d.year, d.month - 1, d.day) / DAY_MS;
}

function fromEpochDay(n: number): CivilDate {
  const t = new Date(n * DAY_MS);
  return { year: t.getUTCFullYear(), month: t.getUTCMonth() + 1, day: t.getUTCDate() };
}

export function addDays(d: CivilDate, days: number): CivilDate {
  return fromEpochDay(toEpochDay(d) + days);
}

export function daysInMonth(year: number, month: number): number {
  return new Date(Date.UTC(year, month, 0)).getUTCDate();
}

/** Same day `months` later (negative: earlier), clamped to the month's end: 3-31 minus 1 month is 2-28. */
export function addMonths(d: CivilDate, months: number): CivilDate {
  const index = d.year * 12 + (d.month - 1) + months;
  const year = Math.floor(index / 12);
  const month = index - year * 12 + 1;
  return { year, month, day: Math.min(d.day, daysInMonth(year, month)) };
}

/** 0 = Monday .. 6 = Sunday: Chinese calendars and customers start the week on Monday. */
export function isoWeekdayIndex(d: CivilDate): number {
  return (new Date(Date.UTC(d.year, d.month - 1, d.day)).getUTCDay() + 6) % 7;
}

export function mondayOf(d: CivilDate): CivilDate {
  return addDays(d, -isoWeekdayIndex(d));
}

export function compareCivil(a: CivilDate, b: CivilDate): number {
  return toEpochDay(a) - toEpochDay(b);
}

export function isValidCivil(d: CivilDate): boolean {
  return Number.isInteger(d.year) && d.month >= 1 && d.month <= 12 && d.day >= 1 && d.day <= daysInMonth(d.year, d.month);
}

export function formatCivil(d: CivilDate): string {
  return `${String(d.year).padStart(4, '0')}-${String(d.month).padStart(2, '0')}-${String(d.day).padStart(2, '0')}`;
}

/**
 * A month and day said without a year refer to the past: customers talk about orders they placed,
 * so "12月1号" on 2026-11-25 is 2025-12-01, not a week ahead.
 */
export function latestPastMonthDay(month: number, day: number, today: CivilDate): CivilDate | null {
  // Up to 8 years back: Feb 29 looks back to the last leap year (2100 is not one).
  for (let year = today.year; year >= today.year - 8; year--) {
    const d = { year, month, day };
    if (isValidCivil(d) && compareCivil(d, today) <= 0) return d;
  }
  return null;
}
