import type { Migration } from '../store/sqlite/migrations.ts';
import { GENESIS_HASH } from './audit-hash.ts';

/**
 * The audit log's schema steps, recorded as component `audit_log` in `schema_versions`. Append
 * new steps; never edit or renumber one that has shipped. `seq` is assigned by the log (head + 1),
 * not by SQLite, so a deleted entry leaves a gap that verification sees. `audit_head` holds the
 * head (seq, hash) and the prune checkpoint, updated in the same transaction as each append.
 */
export const auditMigrations: readonly Migration[] = [
  {
    version: 1,
    name: 'hash-chained entries, head and checkpoint',
    sql: `
      CREATE TABLE audit_entries (
        seq            INTEGER NOT NULL PRIMARY KEY,
        at             TEXT    NOT NULL,
        kind           TEXT    NOT NULL,
        session_id     TEXT    NOT NULL,
        channel        TEXT    NOT NULL,
        content        TEXT    NOT NULL,
        model          TEXT    NOT NULL,
        prompt_version TEXT,
        sources        TEXT    NOT NULL,
        guard          TEXT    NOT NULL,
        latency_ms     REAL,
        meta           TEXT,
        prev_hash      TEXT    NOT NULL,
        hash           TEXT    NOT NULL
      );
      CREATE TABLE audit_head (
        id              INTEGER NOT NULL PRIMARY KEY CHECK (id = 1),
        seq             INTEGER NOT NULL,
        hash            TEXT    NOT NULL,
        checkpoint_seq  INTEGER NOT NULL,
        checkpoint_hash TEXT    NOT NULL,
        updated_at      INTEGER NOT NULL
      );
      INSERT INTO audit_head (id, seq, hash, checkpoint_seq, checkpoint_hash, updated_at)
        VALUES (1, 0, '${GENESIS_HASH}', 0, '${GENESIS_HASH}', 0);
    `,
  },
  {
    version: 2,
    name: 'keyed entries: v = 2 when hash is the HMAC under the audit key',
    sql: `ALTER TABLE audit_entries ADD COLUMN v INTEGER;`,
  },
];
