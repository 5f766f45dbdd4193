import { randomBytes, randomUUID } from 'node:crypto';
import Database from 'better-sqlite3';
import { KefuError, notFound } from '../errors.ts';
import { hashKey } from './admin-auth.ts';

/**
 * API keys for agents (agent API, one tenant), channels (customer chat for one tenant, e.g. an
 * app backend) and extra admins. Only a SHA-256 of each key is stored; the key is shown once.
 * Lives in the conversation database (migration 4).
 */
export type KeyRole = 'admin' | 'agent' | 'channel';

export interface ApiKeyInfo {
  id: string;
  name: string;
  role: KeyRole;
  tenant: string;
  createdAt: number;
  revokedAt: number | null;
}

interface Row {
  id: string;
  name: string;
  role: KeyRole;
  tenant: string;
  created_at: number;
  revoked_at: number | null;
}

const info = (r: Row): ApiKeyInfo => ({ id: r.id, name: r.name, role: r.role, tenant: r.tenant, createdAt: r.created_at, revokedAt: r.revoked_at });

const NAME = /^[\p{L}\p{N} ._@-]{1,64}$/u;
const TENANT = /^[a-z0-9][a-z0-9_-]{0,63}$/;

export function createApiKeyStore(options: { path: string; now?: () => number }) {
  const now = options.now ?? Date.now;
  const db = new Database(options.path, { timeout: 5000 });
  db.pragma('journal_mode = WAL');
  const s = {
    insert: db.prepare('INSERT INTO api_keys (id, name, role, tenant, key_hash, created_at) VALUES (?, ?, ?, ?, ?, ?)'),
    byHash: db.prepare<[string], Row>('SELECT id, name, role, tenant, created_at, revoked_at FROM api_keys WHERE key_hash = ?'),
    list: db.prepare<[], Row>('SELECT id, name, role, tenant, created_at, revoked_at FROM api_keys ORDER BY created_at, id'),
    revoke: db.prepare('UPDATE api_keys SET revoked_at = ? WHERE id = ? AND revoked_at IS NULL'),
    get: db.prepare<[string], Row>('SELECT id, name, role, tenant, created_at, revoked_at FROM api_keys WHERE id = ?'),
  };
  return {
    create(input: { name: string; role: KeyRole; tenant?: string }): { key: string; info: ApiKeyInfo } {
      if (!NAME.test(input.name)) throw new KefuError('invalid_key_name', 'name: 1-64 letters, digits, spaces or . _ @ -', { status: 400 });
      const tenant = input.tenant ?? 'default';
      if (!TENANT.test(tenant)) throw new KefuError('invalid_tenant', 'tenant: lower-case letters, digits, _ or -, up to 64', { status: 400 });
      if (!['admin', 'agent', 'channel'].includes(input.role)) throw new KefuError('invalid_role', 'role must be admin, agent or channel', { status: 400 });
      const key = `kefu_${input.role}_${randomBytes(24).toString('base64url')}`;
      const id = randomUUID();
      s.insert.run(id, input.name, input.role, tenant, hashKey(key), now());
      return { key, info: info(s.get.get(id)!) };
    },
    /** The key's record when it exists and is not revoked. */
    verify(key: string): ApiKeyInfo | null {
      const row = s.byHash.get(hashKey(key));
      return row === undefined || row.revoked_at !== null ? null : info(row);
    },
    list: (): ApiKeyInfo[] => s.list.all().map(info),
    revoke(id: string): ApiKeyInfo {
      const row = s.get.get(id);
      if (row === undefined) throw notFound('key_not_found', `No API key ${id}`);
      s.revoke.run(now(), id);
      return info(s.get.get(id)!);
    },
    close(): void {
      db.close();
    },
  };
}

export type ApiKeyStore = ReturnType<typeof createApiKeyStore>;
