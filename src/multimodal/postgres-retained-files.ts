import { randomUUID } from 'node:crypto';
import type pg from 'pg';
import type { RetainedFiles } from '../contracts/retained-files.ts';
import { KefuError } from '../errors.ts';
import { translatePgError } from '../store/postgres/postgres-errors.ts';
import { qualifyTable } from '../store/postgres/qualify-table.ts';
import { runPostgresMigrations } from '../store/postgres/run-postgres-migrations.ts';
import type { Migration } from '../store/sqlite/migrations.ts';
import { createRetainedFileCipher, type SealedFile } from './retained-file-cipher.ts';

export interface PostgresRetainedFilesOptions {
  /** The pool the other shared stores use. */
  pool: pg.Pool;
  schema?: string;
  /** KEFU_VAULT_KEY: the same on every node, or no node can read another's pictures. */
  key: Buffer;
  now?: () => number;
}

/** Recorded in `retained_files_schema_migrations`; the same columns as the SQLite store's. */
export const postgresRetainedFilesMigrations: readonly Migration[] = [
  {
    version: 1,
    name: 'retained files',
    sql: `
      CREATE TABLE retained_files (
        id         TEXT   PRIMARY KEY,
        session_id TEXT   NOT NULL,
        mime       TEXT   NOT NULL,
        iv         BYTEA  NOT NULL,
        ciphertext BYTEA  NOT NULL,
        tag        BYTEA  NOT NULL,
        created_at BIGINT NOT NULL
      );
      CREATE INDEX retained_files_session ON retained_files (session_id);
    `,
  },
];

/**
 * The pictures kept with their session in PostgreSQL (KEFU_DATABASE_URL), shared by every node:
 * the agent who takes a session over on another node sees them, and erasing the session on any
 * node deletes them. Encrypted exactly as the SQLite store encrypts them.
 */
export async function createPostgresRetainedFiles(options: PostgresRetainedFilesOptions): Promise<RetainedFiles> {
  const cipher = createRetainedFileCipher(options.key);
  const now = options.now ?? Date.now;
  const T = qualifyTable(options.schema, 'retained_files');
  const { pool } = options;
  await runPostgresMigrations(pool, postgresRetainedFilesMigrations, { table: 'retained_files_schema_migrations', ...(options.schema === undefined ? {} : { schema: options.schema }) });
  let closed = false;
  const run = async <R extends pg.QueryResultRow>(text: string, values: unknown[]) => {
    if (closed) throw new KefuError('store_closed', 'the retained-file store is closed', { status: 503, retryable: true });
    try {
      return await pool.query<R>(text, values);
    } catch (error) {
      throw translatePgError(error);
    }
  };
  const purge = async (sessionId: string) => (await run(`DELETE FROM ${T} WHERE session_id = $1`, [sessionId])).rowCount ?? 0;

  return {
    async put(sessionId, file) {
      const id = randomUUID();
      const sealed = cipher.seal(sessionId, id, file.bytes);
      await run(`INSERT INTO ${T} (id, session_id, mime, iv, ciphertext, tag, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7)`, [id, sessionId, file.mime, sealed.iv, sealed.ciphertext, sealed.tag, now()]);
      return id;
    },
    async get(sessionId, id) {
      const row = (await run<SealedFile & { mime: string }>(`SELECT mime, iv, ciphertext, tag FROM ${T} WHERE id = $1 AND session_id = $2`, [id, sessionId])).rows[0];
      if (row === undefined) return null;
      return { mime: row.mime, bytes: cipher.open(sessionId, id, row) };
    },
    purgeSession: purge,
    async purgeGone(exists) {
      let removed = 0;
      for (const { session_id: id } of (await run<{ session_id: string }>(`SELECT DISTINCT session_id FROM ${T}`, [])).rows) {
        if (!(await exists(id))) removed += await purge(id);
      }
      return removed;
    },
    async close() {
      closed = true;
    },
  };
}
