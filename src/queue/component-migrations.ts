import type Database from 'better-sqlite3';
import { KefuError } from '../errors.ts';
import type { Migration } from '../store/sqlite/migrations.ts';

/**
 * Schema versions for components that share one SQLite file (the job queue and the ticket store
 * both live in `queue.db`). Each component owns one row of `schema_versions`, so neither fights
 * the other over `PRAGMA user_version`. Steps are numbered 1, 2, 3, …; each runs in its own
 * `BEGIN IMMEDIATE` transaction together with its version bump, and the version is re-read inside
 * that transaction, so two processes opening the file at once never run a step twice.
 * Returns the versions applied by this call.
 */
export function migrateComponent(db: Database.Database, component: string, steps: readonly Migration[]): number[] {
  steps.forEach((m, i) => {
    if (m.version !== i + 1) {
      throw new Error(`${component} migration #${i} has version ${m.version}; versions must be 1, 2, 3, … in order`);
    }
  });
  db.exec(`
    CREATE TABLE IF NOT EXISTS schema_versions (
      component  TEXT    NOT NULL PRIMARY KEY,
      version    INTEGER NOT NULL,
      updated_at INTEGER NOT NULL
    )
  `);
  const current = db.prepare<[string], { version: number }>('SELECT version FROM schema_versions WHERE component = ?');
  const record = db.prepare<[string, number, number]>(
    `INSERT INTO schema_versions (component, version, updated_at) VALUES (?, ?, ?)
     ON CONFLICT (component) DO UPDATE SET version = excluded.version, updated_at = excluded.updated_at`,
  );
  const versionNow = (): number => current.get(component)?.version ?? 0;

  const found = versionNow();
  if (found > steps.length) {
    throw new KefuError(
      'schema_too_new',
      `${component} schema is at version ${found} but this Kefu knows only up to ${steps.length}; upgrade Kefu`,
    );
  }

  const applied: number[] = [];
  for (const step of steps) {
    const apply = db.transaction(() => {
      if (versionNow() >= step.version) return false;
      db.exec(step.sql);
      record.run(component, step.version, Date.now());
      return true;
    });
    if (apply.immediate()) applied.push(step.version);
  }
  return applied;
}
