import type pg from 'pg';
import type { PiiVault, PiiVaultStore, SessionVault } from '../../contracts/pii-vault.ts';
import { KefuError } from '../../errors.ts';
import { translatePgError } from '../../store/postgres/postgres-errors.ts';
import { qualifyTable } from '../../store/postgres/qualify-table.ts';
import { runPostgresMigrations } from '../../store/postgres/run-postgres-migrations.ts';
import { withTransaction } from '../../store/postgres/with-transaction.ts';
import type { Migration } from '../../store/sqlite/migrations.ts';
import { LoadedSessionVault, type VaultRow } from './loaded-session-vault.ts';
import { createVaultCipher, type VaultCipher } from './vault-cipher.ts';

export interface PostgresPiiVaultOptions {
  /** The pool the other shared stores use. */
  pool: pg.Pool;
  schema?: string;
  /** KEFU_VAULT_KEY: the same on every node, or no node can read another's originals. */
  key: Buffer;
  now?: () => number;
}

/**
 * Recorded in `pii_vault_schema_migrations`. The primary key says one original per pseudonym of
 * a session, the unique lookup one pseudonym per value: two nodes that number a session's new
 * values at once cannot both commit the same pseudonym for different values.
 */
export const postgresVaultMigrations: readonly Migration[] = [
  {
    version: 1,
    name: 'sealed pseudonym originals',
    sql: `
      CREATE TABLE pii_vault_meta (name TEXT PRIMARY KEY, value BYTEA NOT NULL);
      CREATE TABLE pii_vault_entries (
        session    BYTEA   NOT NULL,
        label      TEXT    NOT NULL,
        number     INTEGER NOT NULL,
        lookup     BYTEA   NOT NULL,
        iv         BYTEA   NOT NULL,
        ciphertext BYTEA   NOT NULL,
        tag        BYTEA   NOT NULL,
        created_at BIGINT  NOT NULL,
        PRIMARY KEY (session, label, number)
      );
      CREATE UNIQUE INDEX pii_vault_entries_lookup ON pii_vault_entries (session, lookup);
      CREATE INDEX pii_vault_entries_age ON pii_vault_entries (created_at);
    `,
  },
];

const sql = (schema: string | undefined) => {
  const E = qualifyTable(schema, 'pii_vault_entries');
  const M = qualifyTable(schema, 'pii_vault_meta');
  return {
    load: `SELECT label, number, lookup, iv, ciphertext, tag FROM ${E} WHERE session = $1 ORDER BY label, number`,
    // Every row or none: a conflict on either key leaves fewer rows than were sent.
    insert: `INSERT INTO ${E} (session, label, number, lookup, iv, ciphertext, tag, created_at)
      SELECT $1, * FROM unnest($2::text[], $3::int[], $4::bytea[], $5::bytea[], $6::bytea[], $7::bytea[], $8::bigint[])
      ON CONFLICT DO NOTHING`,
    purge: `DELETE FROM ${E} WHERE session = $1`,
    purgeOld: `DELETE FROM ${E} WHERE created_at < $1`,
    putCheck: `INSERT INTO ${M} (name, value) VALUES ('key_check', $1) ON CONFLICT (name) DO NOTHING`,
    getCheck: `SELECT value FROM ${M} WHERE name = 'key_check'`,
  };
};

/**
 * The PII vault in PostgreSQL, shared by every node: the same sealed rows as the SQLite vault
 * (no plaintext value, no session id). A session is loaded whole when a turn opens it; new
 * pseudonyms are numbered in memory and committed in one transaction, and a commit that
 * collides with another node's reloads the session and asks the caller to mask again.
 */
export async function createPostgresPiiVault(options: PostgresPiiVaultOptions): Promise<PiiVaultStore> {
  const cipher = createVaultCipher(options.key);
  const q = sql(options.schema);
  const now = options.now ?? Date.now;
  const { pool } = options;
  const run = async <R extends pg.QueryResultRow>(text: string, values: unknown[], client: pg.Pool | pg.PoolClient = pool) => {
    try {
      return await client.query<R>(text, values);
    } catch (error) {
      throw translatePgError(error);
    }
  };
  await runPostgresMigrations(pool, postgresVaultMigrations, { table: 'pii_vault_schema_migrations', ...(options.schema === undefined ? {} : { schema: options.schema }) });
  await run(q.putCheck, [cipher.keyCheck]);
  const stored = (await run<{ value: Buffer }>(q.getCheck, [])).rows[0]?.value;
  if (stored === undefined || !stored.equals(cipher.keyCheck)) {
    throw new KefuError('vault_key_mismatch', 'The shared PII vault in PostgreSQL was written with a different key: every node must have the same KEFU_VAULT_KEY');
  }
  let closed = false;
  const check = () => {
    if (closed) throw new KefuError('store_closed', 'the PII vault is closed', { status: 503, retryable: true });
  };
  const load = async (sessionId: string) => new LoadedSessionVault(sessionId, cipher, (await run<VaultRow>(q.load, [cipher.sessionTag(sessionId)])).rows);

  return {
    async open(sessionId, options) {
      check();
      if (typeof sessionId !== 'string' || sessionId === '') throw new KefuError('invalid_session_id', 'A PII vault needs a non-empty session id');
      const loaded = options?.fresh === true ? new LoadedSessionVault(sessionId, cipher, []) : await load(sessionId);
      return new PostgresSessionVault(sessionId, loaded, load, (rows) => commitRows(pool, q.insert, cipher, sessionId, rows, now()));
    },
    async purgeSession(sessionId) {
      check();
      await run(q.purge, [cipher.sessionTag(sessionId)]);
    },
    async purgeOlderThan(cutoff) {
      check();
      return (await run(q.purgeOld, [cutoff])).rowCount ?? 0;
    },
    async close() {
      closed = true;
    },
  };
}

/** Inserts every row or none; false when another node holds one of the pseudonyms or values. */
async function commitRows(pool: pg.Pool, insert: string, cipher: VaultCipher, sessionId: string, rows: readonly VaultRow[], at: number): Promise<boolean> {
  return withTransaction(
    pool,
    async (client) => {
      const result = await client.query(insert, [
        cipher.sessionTag(sessionId),
        rows.map((r) => r.label),
        rows.map((r) => r.number),
        rows.map((r) => r.lookup),
        rows.map((r) => r.iv),
        rows.map((r) => r.ciphertext),
        rows.map((r) => r.tag),
        rows.map(() => at),
      ]);
      return result.rowCount === rows.length;
    },
    { commit: (all) => all },
  );
}

class PostgresSessionVault implements SessionVault {
  #loaded: LoadedSessionVault;
  readonly #sessionId: string;
  readonly #load: (sessionId: string) => Promise<LoadedSessionVault>;
  readonly #commit: (rows: readonly VaultRow[]) => Promise<boolean>;

  constructor(sessionId: string, loaded: LoadedSessionVault, load: (sessionId: string) => Promise<LoadedSessionVault>, commit: (rows: readonly VaultRow[]) => Promise<boolean>) {
    this.#sessionId = sessionId;
    this.#loaded = loaded;
    this.#load = load;
    this.#commit = commit;
  }

  pseudonym(...args: Parameters<PiiVault['pseudonym']>): string {
    return this.#loaded.pseudonym(...args);
  }

  reveal(pseudonym: string): string | null {
    return this.#loaded.reveal(pseudonym);
  }

  revealAll(text: string): string {
    return this.#loaded.revealAll(text);
  }

  async commit(): Promise<boolean> {
    const rows = this.#loaded.pending;
    if (rows.length === 0) return true;
    if (await this.#commit(rows)) {
      this.#loaded.committed();
      return true;
    }
    // Another node numbered this session's values first: theirs are the session's now.
    this.#loaded = await this.#load(this.#sessionId);
    return false;
  }
}
