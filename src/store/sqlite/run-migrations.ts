import type Database from 'better-sqlite3';
import { storeError } from '../store-error.ts';
import type { Migration } from './migrations.ts';

/**
 * Brings the database up to the last step of `migrations`. Each step runs in its own
 * `BEGIN IMMEDIATE` transaction together with its `schema_migrations` row, and the applied
 * versions are re-read inside that transaction, so a restart, or two processes starting at
 * once, never runs a step twice. A failed step rolls back whole and leaves earlier steps in place.
 * Returns the versions applied by this call.
 */
export function runMigrations(db: Database.Database, migrations: readonly Migration[]): number[] {
  checkOrder(migrations);
  db.exec(`
    CREATE TABLE IF NOT EXISTS schema_migrations (
      version    INTEGER NOT NULL PRIMARY KEY,
      name       TEXT    NOT NULL,
      applied_at INTEGER NOT NULL
    )
  `);
  const appliedVersions = db.prepare<[], { version: number }>('SELECT version FROM schema_migrations');
  const record = db.prepare<[number, string, number]>(
    'INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, ?)',
  );

  const known = new Set(migrations.map((m) => m.version));
  const unknown = appliedVersions.all().filter((r) => !known.has(r.version));
  if (unknown.length > 0) {
    throw storeError(
      'schema_too_new',
      `database has schema versions ${unknown.map((r) => r.version).join(', ')} that this Kefu does not know; upgrade Kefu`,
    );
  }

  const applied: number[] = [];
  for (const step of migrations) {
    const apply = db.transaction(() => {
      const done = new Set(appliedVersions.all().map((r) => r.version));
      if (done.has(step.version)) return false;
      db.exec(step.sql);
      record.run(step.version, step.name, Date.now());
      return true;
    });
    if (apply.immediate()) applied.push(step.version);
  }
  return applied;
}

function checkOrder(migrations: readonly Migration[]): void {
  migrations.forEach((m, i) => {
    if (m.version !== i + 1) {
      throw new Error(`migration #${i} has version ${m.version}; versions must be 1, 2, 3, … in order`);
    }
  });
}
