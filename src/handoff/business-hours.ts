import { KefuError } from '../errors.ts';

/**
 * When people answer. Format: `09:00-22:00` (every day), `mon-fri 09:00-18:00; sat 10:00-16:00`,
 * or `always`. Evaluated in the shop's time zone, not the server's.
 */
export interface BusinessHours {
  isOpen(at: Date): boolean;
  /** As written, for telling customers. */
  readonly text: string;
}

const DAYS = ['sun', 'mon', 'tue', 'wed', 'thu', 'fri', 'sat'];

export function parseBusinessHours(spec: string, timeZone: string): BusinessHours {
  const text = spec.trim();
  if (/^(always|24\/7|24x7)$/i.test(text)) return { isOpen: () => true, text };
  const rules = text.split(/[;,]/).map((part) => {
    const m = /^\s*(?:([a-z]{3})(?:-([a-z]{3}))?\s+)?(\d{1,2}):(\d{2})\s*-\s*(\d{1,2}):(\d{2})\s*$/i.exec(part);
    if (m === null) throw new KefuError('invalid_config', `KEFU_BUSINESS_HOURS: cannot read "${part.trim()}" (expected e.g. "09:00-22:00" or "mon-fri 09:00-18:00")`);
    const from = m[1] === undefined ? 0 : DAYS.indexOf(m[1].toLowerCase());
    const to = m[1] === undefined ? 6 : m[2] === undefined ? from : DAYS.indexOf(m[2].toLowerCase());
    if (from < 0 || to < 0) throw new KefuError('invalid_config', `KEFU_BUSINESS_HOURS: unknown day in "${part.trim()}" (use mon..sun)`);
    const open = Number(m[3]) * 60 + Number(m[4]);
    const close = Number(m[5]) * 60 + Number(m[6]);
    if (open >= close || close > 24 * 60) throw new KefuError('invalid_config', `KEFU_BUSINESS_HOURS: "${part.trim()}" must open before it closes`);
    const days = new Set<number>();
    for (let d = from; ; d = (d + 1) % 7) {
      days.add(d);
      if (d === to) break;
    }
    return { days, open, close };
  });
  const fmt = new Intl.DateTimeFormat('en-US', { timeZone, weekday: 'short', hour: '2-digit', minute: '2-digit', hourCycle: 'h23' });
  return {
    text,
    isOpen(at) {
      const parts = Object.fromEntries(fmt.formatToParts(at).map((p) => [p.type, p.value]));
      const day = DAYS.indexOf(String(parts['weekday']).toLowerCase().slice(0, 3));
      const minute = Number(parts['hour']) * 60 + Number(parts['minute']);
      return rules.some((r) => r.days.has(day) && minute >= r.open && minute < r.close);
    },
  };
}

const DAY_NAMES = {
  zh: { sun: '周日', mon: '周一', tue: '周二', wed: '周三', thu: '周四', fri: '周五', sat: '周六' },
  en: { sun: 'Sun', mon: 'Mon', tue: 'Tue', wed: 'Wed', thu: 'Thu', fri: 'Fri', sat: 'Sat' },
} as const;

/**
 * The hours as a customer reads them: "每天 09:00-22:00", "周一至周五 09:00-18:00;周六 10:00-16:00",
 * "Mon-Fri 09:00-18:00; Sat 10:00-16:00". A spec this cannot read is shown as written.
 */
export function describeHours(spec: string, lang: 'zh' | 'en'): string {
  const text = spec.trim();
  if (/^(always|24\/7|24x7)$/i.test(text)) return lang === 'zh' ? '全天 24 小时' : '24/7';
  const names = DAY_NAMES[lang];
  const day = (d: string) => names[d.toLowerCase() as keyof typeof names] ?? d;
  const parts = text.split(/[;,]/).map((part) => {
    const m = /^\s*(?:([a-z]{3})(?:-([a-z]{3}))?\s+)?(\d{1,2}:\d{2})\s*-\s*(\d{1,2}:\d{2})\s*$/i.exec(part);
    if (m === null) return part.trim();
    const hours = `${m[3]}-${m[4]}`;
    if (m[1] === undefined) return lang === 'zh' ? `每天 ${hours}` : `${hours} every day`;
    const days = m[2] === undefined ? day(m[1]) : lang === 'zh' ? `${day(m[1])}至${day(m[2])}` : `${day(m[1])}-${day(m[2])}`;
    return `${days} ${hours}`;
  });
  return parts.join(lang === 'zh' ? ';' : '; ');
}
