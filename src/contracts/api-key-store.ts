/**
 * API keys for agents (agent API, one tenant), channels (customer chat for one tenant, e.g. an
 * app backend) and extra admins. Only a SHA-256 of each key is stored; the key is shown once.
 * SQLite on one node, PostgreSQL shared by several, so a key made on one node works on all
 * (test/server/api-key-store.contract.ts runs against both).
 */
export type KeyRole = 'admin' | 'agent' | 'channel';

/**
 * The tenant of an admin key made without one: it administers every tenant. An admin key made
 * for a named tenant administers that tenant only (its sessions, handoffs and keys).
 */
export const ALL_TENANTS = '*';

export interface ApiKeyInfo {
  id: string;
  name: string;
  role: KeyRole;
  tenant: string;
  createdAt: number;
  revokedAt: number | null;
}

export interface NewApiKey {
  name: string;
  role: KeyRole;
  /** Default: `default` for agent and channel keys, `ALL_TENANTS` for admin keys. */
  tenant?: string;
}

export interface ApiKeyStore {
  /** `invalid_key_name`, `invalid_tenant`, `invalid_role` (400) for what cannot be stored. */
  create(input: NewApiKey): Promise<{ key: string; info: ApiKeyInfo }>;
  /** The key's record when it exists and is not revoked. */
  verify(key: string): Promise<ApiKeyInfo | null>;
  /** Oldest first. */
  list(): Promise<ApiKeyInfo[]>;
  /** Revoking twice keeps the first time; `key_not_found` (404) for an unknown id. */
  revoke(id: string): Promise<ApiKeyInfo>;
  close(): Promise<void>;
}
