import Database from 'better-sqlite3';
import type { ProactiveLedger } from './proactive-ledger.ts';

/** The ledger in one SQLite file (`<data dir>/proactive.db`): every process on the machine shares it. */
export function createSqliteProactiveLedger(path: string): ProactiveLedger {
  const db = new Database(path, { timeout: 5000 });
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
  // Check-then-insert in one immediate transaction: two gateway processes (or two tabs of the same
  // visitor) cannot both pass the limit.
  const recordTx = db.transaction((...[event, day, at, candidates]: Parameters<ProactiveLedger['record']>) => {
    s.countEvent.run(day, event.type);
    for (const rule of candidates) {
      if (s.countToday.get(event.visitorId, rule.id, day)!.n >= rule.maxPerVisitorPerDay) continue;
      s.insert.run(rule.id, event.visitorId, event.sessionId ?? null, event.page, day, at);
      return rule;
    }
    return null;
  });
  return {
    record: async (event, day, at, candidates) => recordTx.immediate(event, day, at, candidates),
    triggersSince: async (day) => s.triggersByDay.all(day),
    eventsSince: async (day) => s.eventsByDay.all(day),
    async prune(day) {
      s.pruneTriggers.run(day);
      s.pruneEvents.run(day);
    },
    async close() {
      db.close();
    },
  };
}
