import Database from 'better-sqlite3';
import { KefuError } from '../errors.ts';
import { PAGE_EVENT_TYPES, ruleMatches, type PageEvent, type PageEventType, type ProactiveRule } from './proactive-rules.ts';

/**
 * Proactive service: evaluates the widget's page events against the rules and decides whether
 * the widget should open itself. Each trigger is written to its own SQLite file
 * (`<data dir>/proactive.db`), so the per-visitor daily limit survives restarts and is shared by
 * every gateway process on the machine, and the dashboard can count triggers per day.
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
  /** The SQLite file, normally `<data dir>/proactive.db`. */
  path: string;
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

  const db = new Database(options.path, { timeout: 5000 });
  db.pragma('journal_mode = WAL');
  db.pragma('secure_delete = ON'); // deleted rows are zeroed in the file (docs/privacy.md)
  db.exec(`
    CREATE TABLE IF NOT EXISTS proactive_triggers (
      id INTEGER PRIMARY KEY,
      rule_id TEXT NOT NULL,
      visitor_id TEXT NOT NULL,
      session_id TEXT,
      page TEXT NOT NULL,
      day TEXT NOT NULL,
      at INTEGER NOT NULL
    );
    CREATE INDEX IF NOT EXISTS proactive_triggers_visitor ON proactive_triggers (visitor_id, rule_id, day);
    CREATE INDEX IF NOT EXISTS proactive_triggers_day ON proactive_triggers (day, rule_id);
    CREATE TABLE IF NOT EXISTS proactive_events (
      day TEXT NOT NULL,
      type TEXT NOT NULL,
      count INTEGER NOT NULL,
      PRIMARY KEY (day, type)
    );
  `);
  const s = {
    countToday: db.prepare<[string, string, string], { n: number }>('SELECT COUNT(*) AS n FROM proactive_triggers WHERE visitor_id = ? AND rule_id = ? AND day = ?'),
    insert: db.prepare('INSERT INTO proactive_triggers (rule_id, visitor_id, session_id, page, day, at) VALUES (?, ?, ?, ?, ?, ?)'),
    countEvent: db.prepare(`INSERT INTO proactive_events (day, type, count) VALUES (?, ?, 1) ON CONFLICT (day, type) DO UPDATE SET count = count + 1`),
    triggersByDay: db.prepare<[string], { rule_id: string; day: string; n: number }>('SELECT rule_id, day, COUNT(*) AS n FROM proactive_triggers WHERE day >= ? GROUP BY rule_id, day'),
    eventsByDay: db.prepare<[string], { day: string; type: string; count: number }>('SELECT day, type, count FROM proactive_events WHERE day >= ?'),
    pruneTriggers: db.prepare<[string]>('DELETE FROM proactive_triggers WHERE day < ?'),
    pruneEvents: db.prepare<[string]>('DELETE FROM proactive_events WHERE day < ?'),
  };

  let prunedOn = '';
  const prune = (today: string) => {
    if (prunedOn === today) return;
    const cutoff = daysBefore(today, KEEP_DAYS);
    s.pruneTriggers.run(cutoff);
    s.pruneEvents.run(cutoff);
    prunedOn = today;
  };

  // Check-then-insert in one immediate transaction: two gateway processes (or two tabs of the same
  // visitor) cannot both pass the limit.
  const evaluateTx = db.transaction((event: PageEvent, at: number): ProactiveDecision => {
    const day = dayOf(at);
    prune(day);
    s.countEvent.run(day, event.type);
    for (const rule of options.rules) {
      if (!ruleMatches(rule, event)) continue;
      if (s.countToday.get(event.visitorId, rule.id, day)!.n >= rule.maxPerVisitorPerDay) continue;
      s.insert.run(rule.id, event.visitorId, event.sessionId ?? null, event.page, day, at);
      return { open: true, rule };
    }
    return { open: false };
  });

  return {
    rules: options.rules,
    /** The first matching rule this visitor has not yet used up today opens the widget. */
    evaluate(event: PageEvent): ProactiveDecision {
      return evaluateTx.immediate(event, now());
    },
    /** Rules with their triggers over the last `days` days (today included), for the dashboard. */
    stats(days = 14): ProactiveStats {
      const today = dayOf(now());
      const list = Array.from({ length: days }, (_, i) => daysBefore(today, days - 1 - i));
      const from = list[0]!;
      const triggers = new Map<string, Map<string, number>>();
      for (const r of s.triggersByDay.all(from)) {
        const perDay = triggers.get(r.rule_id) ?? new Map<string, number>();
        perDay.set(r.day, r.n);
        triggers.set(r.rule_id, perDay);
      }
      const events = new Map<string, { day: string } & Record<PageEventType, number>>(
        list.map((day) => [day, { day, ...(Object.fromEntries(PAGE_EVENT_TYPES.map((t) => [t, 0])) as Record<PageEventType, number>) }]),
      );
      for (const r of s.eventsByDay.all(from)) {
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
    close(): void {
      db.close();
    },
  };
}

export type ProactiveService = ReturnType<typeof createProactiveService>;
