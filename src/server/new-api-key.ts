import { randomBytes, randomUUID } from 'node:crypto';
import { ALL_TENANTS, type NewApiKey } from '../contracts/api-key-store.ts';
import { KefuError } from '../errors.ts';
import { hashKey } from './admin-auth.ts';

const NAME = /^[\p{L}\p{N} ._@-]{1,64}$/u;
const TENANT = /^[a-z0-9][a-z0-9_-]{0,63}$/;

/**
 * Checks a key request and mints the key, for either store: the same names are refused and the
 * same key format comes out whichever database keeps the hash.
 */
export function newApiKey(input: NewApiKey): { id: string; key: string; hash: string; tenant: string } {
  if (!NAME.test(input.name)) throw new KefuError('invalid_key_name', 'name: 1-64 letters, digits, spaces or . _ @ -', { status: 400 });
  if (!['admin', 'agent', 'channel'].includes(input.role)) throw new KefuError('invalid_role', 'role must be admin, agent or channel', { status: 400 });
  const tenant = input.tenant ?? (input.role === 'admin' ? ALL_TENANTS : 'default');
  const every = tenant === ALL_TENANTS && input.role === 'admin';
  if (!every && !TENANT.test(tenant)) throw new KefuError('invalid_tenant', `tenant: lower-case letters, digits, _ or -, up to 64 (${ALL_TENANTS} for an admin of every tenant)`, { status: 400 });
  const key = `kefu_${input.role}_${randomBytes(24).toString('base64url')}`;
  return { id: randomUUID(), key, hash: hashKey(key), tenant };
}
