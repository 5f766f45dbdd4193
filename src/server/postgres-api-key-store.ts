import type pg from 'pg';
import type { ApiKeyInfo, ApiKeyStore, KeyRole } from '../contracts/api-key-store.ts';
import { notFound } from '../errors.ts';
import { translatePgError } from '../store/postgres/postgres-errors.ts';
import { qualifyTable } from '../store/postgres/qualify-table.ts';
import { hashKey } from './admin-auth.ts';
import { newApiKey } from './new-api-key.ts';

export interface PostgresApiKeyStoreOptions {
  /** The pool the conversation store uses; its migrations (version 4) made the table. */
  pool: pg.Pool;
  schema?: string;
  now?: () => number;
}

interface Row {
  id: string;
  name: string;
  role: KeyRole;
  tenant: string;
  created_at: string;
  revoked_at: string | null;
}

const COLUMNS = 'id, name, role, tenant, created_at, revoked_at';
const info = (r: Row): ApiKeyInfo => ({
  id: r.id, name: r.name, role: r.role, tenant: r.tenant, createdAt: Number(r.created_at), revokedAt: r.revoked_at === null ? null : Number(r.revoked_at),
});

/**
 * API keys in PostgreSQL, so a key created on one node authenticates on every node and a
 * revocation takes effect everywhere at once (nothing is cached per node).
 */
export function createPostgresApiKeyStore(options: PostgresApiKeyStoreOptions): ApiKeyStore {
  const now = options.now ?? Date.now;
  const K = qualifyTable(options.schema, 'api_keys');
  const query = async (text: string, values: unknown[]): Promise<Row[]> => {
    try {
      return (await options.pool.query<Row>(text, values)).rows;
    } catch (error) {
      throw translatePgError(error);
    }
  };
  return {
    async create(input) {
      const k = newApiKey(input);
      const [row] = await query(`INSERT INTO ${K} (id, name, role, tenant, key_hash, created_at) VALUES ($1, $2, $3, $4, $5, $6) RETURNING ${COLUMNS}`, [
        k.id, input.name, input.role, k.tenant, k.hash, now(),
      ]);
      return { key: k.key, info: info(row!) };
    },
    async verify(key) {
      const [row] = await query(`SELECT ${COLUMNS} FROM ${K} WHERE key_hash = $1`, [hashKey(key)]);
      return row === undefined || row.revoked_at !== null ? null : info(row);
    },
    list: async () => (await query(`SELECT ${COLUMNS} FROM ${K} ORDER BY created_at, id COLLATE "C"`, [])).map(info),
    async revoke(id) {
      // COALESCE keeps the first revocation time when a key is revoked twice.
      const [row] = await query(`UPDATE ${K} SET revoked_at = COALESCE(revoked_at, $1) WHERE id = $2 RETURNING ${COLUMNS}`, [now(), id]);
      if (row === undefined) throw notFound('key_not_found', `No API key ${id}`);
      return info(row);
    },
    async close() {
      // The pool belongs to the caller.
    },
  };
}
