import { KefuError } from '../errors.ts';
import type { ProactiveLedger } from './proactive-ledger.ts';
import { PAGE_EVENT_TYPES, ruleMatches, type PageEvent, type PageEventType, type ProactiveRule } from './proactive-rules.ts';
import { createSqliteProactiveLedger } from './sqlite-proactive-ledger.ts';

/**
 * Proactive service: evaluates the widget's page events against the rules and decides whether
 * the widget should open itself. Each trigger is written to the ledger (`<data dir>/proactive.db`,
 * or PostgreSQL in a cluster), so the per-visitor daily limit survives restarts and holds for every
 * process and node, and the dashboard can count triggers per day.
 */
export type ProactiveDecision = { open: true; rule: ProactiveRule } | { open: false };

export interface ProactiveRuleStats {
  id: string;
  enabled: boolean;
  when: { type: PageEventType[]; min_dwell_ms: number; page: string | null };
  message: { zh: string; en: string };
  max_per_visitor_per_day: number;
  triggers: { today: number; total: number; by_day: { day: string; count: number }[] };
}

export interface ProactiveStats {
  time_zone: string;
  /** Oldest first, `YYYY-MM-DD` in the time zone. */
  days: string[];
  rules: ProactiveRuleStats[];
  /** Page events received per day and type (all of them, matched or not). */
  events: ({ day: string } & Record<PageEventType, number>)[];
}

/** Triggers and counters older than this are deleted: the dashboard shows at most this far back. */
const KEEP_DAYS = 400;

export interface ProactiveServiceOptions {
  /** The SQLite file, normally `<data dir>/proactive.db`; unused when `ledger` is given. */
  path?: string;
  /** Where triggers are kept instead of `path` (PostgreSQL in a cluster); closed with the service. */
  ledger?: ProactiveLedger;
  rules: ProactiveRule[];
  now?: () => number;
  /** What "per day" means: calendar days in the shop's time zone (KEFU_TIMEZONE); default UTC. */
  timeZone?: string;
}

export function createProactiveService(options: ProactiveServiceOptions) {
  const now = options.now ?? Date.now;
  const timeZone = options.timeZone ?? 'UTC';
  let format: Intl.DateTimeFormat;
  try {
    format = new Intl.DateTimeFormat('en-CA', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit' });
  } catch {
    throw new KefuError('invalid_config', `Not an IANA time zone: ${timeZone} (e.g. Asia/Shanghai)`);
  }
  /** `YYYY-MM-DD` of an instant in the shop's time zone (en-CA formats dates that way). */
  const dayOf = (ms: number): string => format.format(ms);
  /** The calendar day `n` days before `day`, by date arithmetic so DST shifts cannot skip a day. */
  const daysBefore = (day: string, n: number): string => {
    const [y, m, d] = day.split('-').map(Number) as [number, number, number];
    return new Date(Date.UTC(y, m - 1, d - n)).toISOString().slice(0, 10);
  };

  if (options.ledger === undefined && options.path === undefined) throw new Error('the proactive service needs a path or a ledger');
  const ledger = options.ledger ?? createSqliteProactiveLedger(options.path ?? '');

  let prunedOn = '';
  const prune = async (today: string): Promise<void> => {
    if (prunedOn === today) return;
    prunedOn = today;
    await ledger.prune(daysBefore(today, KEEP_DAYS));
  };

  return {
    rules: options.rules,
    /** The first matching rule this visitor has not yet used up today opens the widget. */
    async evaluate(event: PageEvent): Promise<ProactiveDecision> {
      const at = now();
      const day = dayOf(at);
      await prune(day);
      const rule = await ledger.record(event, day, at, options.rules.filter((r) => ruleMatches(r, event)));
      return rule === null ? { open: false } : { open: true, rule };
    },
    /** Rules with their triggers over the last `days` days (today included), for the dashboard. */
    async stats(days = 14): Promise<ProactiveStats> {
      const today = dayOf(now());
      const list = Array.from({ length: days }, (_, i) => daysBefore(today, days - 1 - i));
      const from = list[0]!;
      const triggers = new Map<string, Map<string, number>>();
      for (const r of await ledger.triggersSince(from)) {
        const perDay = triggers.get(r.rule_id) ?? new Map<string, number>();
        perDay.set(r.day, r.n);
        triggers.set(r.rule_id, perDay);
      }
      const events = new Map<string, { day: string } & Record<PageEventType, number>>(
        list.map((day) => [day, { day, ...(Object.fromEntries(PAGE_EVENT_TYPES.map((t) => [t, 0])) as Record<PageEventType, number>) }]),
      );
      for (const r of await ledger.eventsSince(from)) {
        const e = events.get(r.day);
        if (e !== undefined && (PAGE_EVENT_TYPES as readonly string[]).includes(r.type)) e[r.type as PageEventType] = r.count;
      }
      return {
        time_zone: timeZone,
        days: list,
        rules: options.rules.map((rule) => {
          const perDay = triggers.get(rule.id) ?? new Map<string, number>();
          const byDay = list.map((day) => ({ day, count: perDay.get(day) ?? 0 }));
          return {
            id: rule.id,
            enabled: rule.enabled,
            when: { type: [...rule.when.types], min_dwell_ms: rule.when.minDwellMs, page: rule.when.page },
            message: { ...rule.message },
            max_per_visitor_per_day: rule.maxPerVisitorPerDay,
            triggers: { today: perDay.get(today) ?? 0, total: byDay.reduce((n, d) => n + d.count, 0), by_day: byDay },
          };
        }),
        events: [...events.values()],
      };
    },
    close(): Promise<void> {
      return ledger.close();
    },
  };
}

export type ProactiveService = ReturnType<typeof createProactiveService>;
