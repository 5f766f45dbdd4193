import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import Database from 'better-sqlite3';
import { migrateComponent } from '../../queue/component-migrations.ts';
import type { Migration } from '../../store/sqlite/migrations.ts';
import type { WecomDedupe } from './wecom-dedupe.ts';

export interface SqliteWecomDedupeOptions {
  /** A SQLite file; several processes (and restarts) sharing it dedupe together. `:memory:` for tests. */
  path: string;
  /** Default one hour. */
  ttlMs?: number;
  now?: () => number;
  /** How long a write waits for another process's lock (ms). Default 5000. */
  busyTimeoutMs?: number;
}

export interface SqliteWecomDedupe extends WecomDedupe {
  close(): void;
}

const migrations: readonly Migration[] = [
  {
    version: 1,
    name: 'wecom_deliveries',
    sql: `
      CREATE TABLE wecom_deliveries (
        delivery_key TEXT    NOT NULL PRIMARY KEY,
        seen_at      INTEGER NOT NULL
      );
      CREATE INDEX wecom_deliveries_seen_at ON wecom_deliveries (seen_at);
    `,
  },
];

/** Expired keys are swept after every this many new ones. */
const SWEEP_EVERY = 500;

export function createSqliteWecomDedupe(options: SqliteWecomDedupeOptions): SqliteWecomDedupe {
  const ttlMs = options.ttlMs ?? 3_600_000;
  const now = options.now ?? Date.now;
  if (options.path !== ':memory:') mkdirSync(dirname(options.path), { recursive: true });
  const db = new Database(options.path, { timeout: options.busyTimeoutMs ?? 5000 });
  try {
    db.pragma('journal_mode = WAL');
    db.pragma('secure_delete = ON'); // deleted rows are zeroed in the file (docs/privacy.md)
    db.pragma('synchronous = NORMAL');
    migrateComponent(db, 'wecom_dedupe', migrations);
  } catch (err) {
    db.close();
    throw err;
  }
  // One statement, so it is atomic across processes: inserted, or taken over from an expired row.
  const claim = db.prepare<[string, number, number]>(
    `INSERT INTO wecom_deliveries (delivery_key, seen_at) VALUES (?, ?)
     ON CONFLICT (delivery_key) DO UPDATE SET seen_at = excluded.seen_at WHERE wecom_deliveries.seen_at < ?`,
  );
  const sweep = db.prepare<[number]>('DELETE FROM wecom_deliveries WHERE seen_at < ?');
  let sinceSweep = 0;

  return {
    retentionMs: ttlMs,
    firstTime(key) {
      const at = now();
      const first = claim.run(key, at, at - ttlMs).changes === 1;
      if (first && ++sinceSweep >= SWEEP_EVERY) {
        sinceSweep = 0;
        sweep.run(at - ttlMs);
      }
      return first;
    },
    close() {
      db.close();
    },
  };
}
