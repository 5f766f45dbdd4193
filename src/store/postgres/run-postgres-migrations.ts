import type pg from 'pg';
import { storeError } from '../store-error.ts';
import type { Migration } from '../sqlite/migrations.ts';

/** First key of every advisory lock Kefu takes ("KEFU" in ASCII), so other apps' locks never clash. */
const LOCK_CLASS = 0x4b454655;

export interface PostgresMigrationOptions {
  /** Table recording applied versions, e.g. `schema_migrations`. */
  table: string;
  /** Schema the tables live in (created when missing); the connection's search_path otherwise. */
  schema?: string;
}

/**
 * Brings the database up to the last of `migrations`. A session advisory lock (per schema and
 * version table) is held for the whole run, so nodes starting at once queue up behind each other
 * and the later ones find nothing left to do. Each step runs in its own transaction together with
 * its version row, so a failed step rolls back whole and leaves earlier steps in place.
 * Rejects with `schema_too_new` when the database has versions this code does not know.
 * Returns the versions applied by this call.
 */
export async function runPostgresMigrations(
  pool: pg.Pool,
  migrations: readonly Migration[],
  options: PostgresMigrationOptions,
): Promise<number[]> {
  migrations.forEach((m, i) => {
    if (m.version !== i + 1) throw new Error(`migration #${i} has version ${m.version}; versions must be 1, 2, 3, … in order`);
  });
  const table = (options.schema === undefined ? '' : `${quoteIdent(options.schema)}.`) + quoteIdent(options.table);
  const client = await pool.connect();
  let unlocked = true;
  try {
    const lockName = `${options.schema ?? ''}.${options.table}`;
    await client.query('SELECT pg_advisory_lock($1, hashtext($2))', [LOCK_CLASS, lockName]);
    unlocked = false;
    try {
      if (options.schema !== undefined) await client.query(`CREATE SCHEMA IF NOT EXISTS ${quoteIdent(options.schema)}`);
      await client.query(`
        CREATE TABLE IF NOT EXISTS ${table} (
          version    INTEGER NOT NULL PRIMARY KEY,
          name       TEXT    NOT NULL,
          applied_at BIGINT  NOT NULL
        )
      `);
      const result = await client.query<{ version: number }>(`SELECT version FROM ${table}`);
      const done = new Set(result.rows.map((r) => r.version));
      const known = new Set(migrations.map((m) => m.version));
      const unknown = [...done].filter((v) => !known.has(v)).sort((a, b) => a - b);
      if (unknown.length > 0) {
        throw storeError(
          'schema_too_new',
          `database has schema versions ${unknown.join(', ')} that this Kefu does not know; upgrade Kefu`,
        );
      }
      const applied: number[] = [];
      for (const step of migrations) {
        if (done.has(step.version)) continue;
        await client.query('BEGIN');
        try {
          if (options.schema !== undefined) await client.query(`SET LOCAL search_path TO ${quoteIdent(options.schema)}`);
          await client.query(step.sql);
          await client.query(`INSERT INTO ${table} (version, name, applied_at) VALUES ($1, $2, $3)`, [
            step.version,
            step.name,
            Date.now(),
          ]);
          await client.query('COMMIT');
        } catch (error) {
          await client.query('ROLLBACK').catch(() => undefined);
          throw error;
        }
        applied.push(step.version);
      }
      return applied;
    } finally {
      await client.query('SELECT pg_advisory_unlock($1, hashtext($2))', [LOCK_CLASS, lockName]).then(
        () => (unlocked = true),
        () => undefined,
      );
    }
  } finally {
    // A connection that may still hold the lock is closed rather than handed back to the pool.
    client.release(!unlocked);
  }
}

/** A double-quoted SQL identifier. */
export function quoteIdent(name: string): string {
  return `"${name.replaceAll('"', '""')}"`;
}
