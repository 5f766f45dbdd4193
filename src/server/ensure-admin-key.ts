import { randomBytes } from 'node:crypto';
import type { ConversationStore } from '../contracts/conversation-store.ts';
import { hashKey } from './admin-auth.ts';

const SETTING = 'admin_key_sha256';

/**
 * Returns the hash of the admin key. With KEFU_ADMIN_KEY set, that key wins. Otherwise a key is
 * generated on first start, only its hash is stored, and the key itself is returned once so the
 * caller can print it.
 */
export async function ensureAdminKey(store: ConversationStore, configured: string | null): Promise<{ hash: string; generated: string | null }> {
  if (configured !== null) return { hash: hashKey(configured), generated: null };
  const existing = await store.getSetting(SETTING);
  if (existing !== null) return { hash: existing, generated: null };
  const key = `kefu_${randomBytes(24).toString('base64url')}`;
  const hash = hashKey(key);
  await store.setSetting(SETTING, hash);
  return { hash, generated: key };
}
