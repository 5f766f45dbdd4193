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
