import type { Migration } from '../store/sqlite/migrations.ts';

/**
 * The job queue's schema steps, recorded as component `job_queue` in `schema_versions`. Append
 * new steps; never edit or renumber one that has shipped.
 */
export const queueMigrations: readonly Migration[] = [
  {
    version: 1,
    name: 'jobs with leases and per-type idempotency keys',
    sql: `
      CREATE TABLE jobs (
        seq             INTEGER PRIMARY KEY AUTOINCREMENT,
        id              TEXT    NOT NULL UNIQUE,
        type            TEXT    NOT NULL,
        payload         TEXT    NOT NULL,
        idempotency_key TEXT    NOT NULL,
        state           TEXT    NOT NULL CHECK (state IN ('queued', 'running', 'done', 'dead')),
        attempts        INTEGER NOT NULL DEFAULT 0,
        max_attempts    INTEGER NOT NULL CHECK (max_attempts >= 1),
        run_at          INTEGER NOT NULL,
        created_at      INTEGER NOT NULL,
        updated_at      INTEGER NOT NULL,
        lease_token     TEXT,
        lease_until     INTEGER,
        last_error      TEXT,
        UNIQUE (type, idempotency_key)
      );
      CREATE INDEX jobs_claim ON jobs (type, state, run_at);
      CREATE INDEX jobs_finished ON jobs (state, updated_at);
    `,
  },
];
