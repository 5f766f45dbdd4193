import type { Migration } from '../store/sqlite/migrations.ts';

/**
 * The ticket store's schema steps, recorded as component `tickets` in `schema_versions` (the
 * table it shares with the job queue in queue.db). Append new steps; never edit shipped ones.
 */
export const ticketMigrations: readonly Migration[] = [
  {
    version: 1,
    name: 'tickets with one row per idempotency key',
    sql: `
      CREATE TABLE tickets (
        seq             INTEGER PRIMARY KEY AUTOINCREMENT,
        id              TEXT    NOT NULL UNIQUE,
        kind            TEXT    NOT NULL CHECK (kind IN ('handoff_after_hours', 'complaint', 'failed_action', 'callback', 'invoice')),
        session_id      TEXT    NOT NULL,
        user_id         TEXT,
        summary         TEXT    NOT NULL,
        status          TEXT    NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'closed')),
        created_at      INTEGER NOT NULL,
        idempotency_key TEXT    NOT NULL UNIQUE,
        external_ref    TEXT
      );
      CREATE INDEX tickets_recency ON tickets (created_at, seq);
      CREATE INDEX tickets_status_recency ON tickets (status, created_at, seq);
    `,
  },
];
