import type { ApiKeyInfo, ApiKeyStore, KeyRole } from '../contracts/api-key-store.ts';
import { notFound } from '../errors.ts';
import { hashKey } from './admin-auth.ts';
import { newApiKey } from './new-api-key.ts';
import { openSharedSqlite } from '../store/sqlite/shared-sqlite.ts';

/** API keys in one node's conversation database (migration 4). */
interface Row {
  id: string;
  name: string;
  role: KeyRole;
  tenant: string;
  created_at: number;
  revoked_at: number | null;
}

const info = (r: Row): ApiKeyInfo => ({ id: r.id, name: r.name, role: r.role, tenant: r.tenant, createdAt: r.created_at, revokedAt: r.revoked_at });

export function createSqliteApiKeyStore(options: { path: string; now?: () => number }): ApiKeyStore {
  const now = options.now ?? Date.now;
  // The file's one connection (shared-sqlite.ts), with the settings the file's stores share.
  const shared = openSharedSqlite(options.path);
  const { db } = shared;
  const s = {
    insert: db.prepare('INSERT INTO api_keys (id, name, role, tenant, key_hash, created_at) VALUES (?, ?, ?, ?, ?, ?)'),
    byHash: db.prepare<[string], Row>('SELECT id, name, role, tenant, created_at, revoked_at FROM api_keys WHERE key_hash = ?'),
    list: db.prepare<[], Row>('SELECT id, name, role, tenant, created_at, revoked_at FROM api_keys ORDER BY created_at, id'),
    revoke: db.prepare('UPDATE api_keys SET revoked_at = ? WHERE id = ? AND revoked_at IS NULL'),
    get: db.prepare<[string], Row>('SELECT id, name, role, tenant, created_at, revoked_at FROM api_keys WHERE id = ?'),
  };
  return {
    async create(input) {
      const k = newApiKey(input);
      s.insert.run(k.id, input.name, input.role, k.tenant, k.hash, now());
      return { key: k.key, info: info(s.get.get(k.id)!) };
    },
    async verify(key) {
      const row = s.byHash.get(hashKey(key));
      return row === undefined || row.revoked_at !== null ? null : info(row);
    },
    list: async () => s.list.all().map(info),
    async revoke(id) {
      const row = s.get.get(id);
      if (row === undefined) throw notFound('key_not_found', `No API key ${id}`);
      s.revoke.run(now(), id);
      return info(s.get.get(id)!);
    },
    async close() {
      shared.release();
    },
  };
}
