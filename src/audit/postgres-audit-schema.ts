import type { Migration } from '../store/sqlite/migrations.ts';
import { qualifyTable } from '../store/postgres/qualify-table.ts';
import type { AuditRow } from './audit-entry.ts';

/**
 * The cluster's audit chain, recorded in `audit_schema_migrations`. One `audit_head` row holds
 * the head and the prune checkpoint; every append locks it (`FOR UPDATE`), so the nodes' appends
 * take their turn and the chain stays one line. `mac` signs the head row with the audit key
 * (what the head file does for one node), `mismatch` keeps the first bad head an append found.
 */
export const postgresAuditMigrations: readonly Migration[] = [
  {
    version: 1,
    name: 'one keyed hash chain for the cluster, its signed head',
    sql: `
      CREATE TABLE audit_entries (
        seq            BIGINT  NOT NULL PRIMARY KEY,
        at             TEXT    NOT NULL,
        kind           TEXT    NOT NULL,
        session_id     TEXT    NOT NULL,
        channel        TEXT    NOT NULL,
        content        TEXT    NOT NULL,
        model          TEXT    NOT NULL,
        prompt_version TEXT,
        sources        TEXT    NOT NULL,
        guard          TEXT    NOT NULL,
        latency_ms     DOUBLE PRECISION,
        meta           TEXT,
        prev_hash      TEXT    NOT NULL,
        hash           TEXT    NOT NULL,
        v              INTEGER
      );
      CREATE INDEX audit_entries_at ON audit_entries (at);
      CREATE TABLE audit_head (
        id              INTEGER NOT NULL PRIMARY KEY CHECK (id = 1),
        seq             BIGINT  NOT NULL,
        hash            TEXT    NOT NULL,
        checkpoint_seq  BIGINT  NOT NULL,
        checkpoint_hash TEXT    NOT NULL,
        mismatch        TEXT,
        mac             TEXT    NOT NULL,
        updated_at      BIGINT  NOT NULL
      );
    `,
  },
];

/** The head row as read: BIGINTs arrive as strings. */
export interface PgHeadRow {
  seq: string;
  hash: string;
  checkpoint_seq: string;
  checkpoint_hash: string;
  mismatch: string | null;
  mac: string;
}

export type PgAuditRow = Omit<AuditRow, 'seq'> & { seq: string };

export const toSqliteShape = (row: PgAuditRow): AuditRow => Object.assign({}, row, { seq: Number(row.seq) });

const COLUMNS = 'seq, at, kind, session_id, channel, content, model, prompt_version, sources, guard, latency_ms, meta, prev_hash, hash, v';

export function auditStatements(schema: string | undefined) {
  const E = qualifyTable(schema, 'audit_entries');
  const H = qualifyTable(schema, 'audit_head');
  const HEAD = 'seq, hash, checkpoint_seq, checkpoint_hash, mismatch, mac';
  return {
    initHead: `INSERT INTO ${H} (id, seq, hash, checkpoint_seq, checkpoint_hash, mismatch, mac, updated_at) VALUES (1, 0, $1, 0, $1, NULL, $2, $3) ON CONFLICT (id) DO NOTHING`,
    head: `SELECT ${HEAD} FROM ${H} WHERE id = 1`,
    lockHead: `SELECT ${HEAD} FROM ${H} WHERE id = 1 FOR UPDATE`,
    setHead: `UPDATE ${H} SET seq = $1, hash = $2, checkpoint_seq = $3, checkpoint_hash = $4, mismatch = $5, mac = $6, updated_at = $7 WHERE id = 1`,
    // The entry and the head it becomes in one statement: the head row's lock is held for one round trip less.
    appendWrite: `WITH entry AS (INSERT INTO ${E} (${COLUMNS}) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15))
      UPDATE ${H} SET seq = $16, hash = $17, checkpoint_seq = $18, checkpoint_hash = $19, mismatch = $20, mac = $21, updated_at = $22 WHERE id = 1`,
    page: `SELECT ${COLUMNS} FROM ${E} WHERE seq >= $1 AND seq <= $2 ORDER BY seq LIMIT $3`,
    stats: `SELECT COUNT(*)::bigint AS n, MIN(seq) AS first, MAX(seq) AS last FROM ${E}`,
    firstAtOrAfter: `SELECT seq FROM ${E} WHERE at >= $1 ORDER BY seq LIMIT 1`,
    deleteUpTo: `DELETE FROM ${E} WHERE seq <= $1`,
    hashOf: `SELECT hash FROM ${E} WHERE seq = $1`,
  };
}

/** The entry's values in `appendWrite`'s column order ($1–$15). */
export const insertValues = (r: AuditRow): unknown[] => [r.seq, r.at, r.kind, r.session_id, r.channel, r.content, r.model, r.prompt_version, r.sources, r.guard, r.latency_ms, r.meta, r.prev_hash, r.hash, r.v];
