import { createHmac, randomBytes } from 'node:crypto';
import type { ConversationStore } from '../contracts/conversation-store.ts';

const SETTING = 'session_id_secret';

/**
 * The server's secret for the session ids it derives itself (the OpenAI façade's, WeCom's), so
 * nobody outside can compute one from a user name. KEFU_SESSION_SECRET wins; otherwise one is
 * generated on first start and kept in the store's settings, shared by every node of the store.
 */
export async function ensureSessionSecret(store: Pick<ConversationStore, 'getSetting' | 'setSetting'>, configured: string | null): Promise<string> {
  if (configured !== null) return configured;
  const existing = await store.getSetting(SETTING);
  if (existing !== null) return existing;
  await store.setSetting(SETTING, randomBytes(32).toString('hex'));
  // Read back: of two nodes starting at once, both go on with the one that was written last.
  return (await store.getSetting(SETTING))!;
}

/** HMAC-SHA256 of the parts (joined by newlines, which no part of a name may hide) under `secret`. */
export function derivedIdBytes(secret: string, purpose: string, ...parts: string[]): Buffer {
  return createHmac('sha256', secret).update([purpose, ...parts].join('\n'), 'utf8').digest();
}

/**
 * The façade's session for `user` as seen by one caller: the key's id, or `public` for a caller
 * with none (allowed only with a signed `user`). Two keys naming the same user never meet, and
 * the id says nothing about the user.
 */
export function facadeSessionId(secret: string, caller: string, user: string): string {
  return `api-${derivedIdBytes(secret, 'kefu/facade-session', caller, user).subarray(0, 24).toString('base64url')}`;
}
