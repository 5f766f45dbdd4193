import { hash, randomFillSync, timingSafeEqual } from 'node:crypto';
import type { Conversation } from '../contracts/conversation-store.ts';
import { KefuError } from '../errors.ts';

/**
 * What lets a request read or continue an existing session. A session id is a name, not a
 * credential: the customer side proves itself with the token issued when the session was made;
 * `trusted` is for callers that proved themselves otherwise (a channel, agent or admin key, a
 * signed WeCom callback, the façade's (key, user) session, the in-process CLI).
 */
export interface SessionAccess {
  token?: string;
  trusted?: boolean;
}

/** Header a client may send the token in instead of the body (GET requests have no body). */
export const SESSION_TOKEN_HEADER = 'x-kefu-session-token';

const TOKEN_BYTES = 32;
/**
 * The OS's random bytes fetched 128 tokens at a time (one getrandom call instead of one a
 * session, as `randomUUID` does); each token's bytes are zeroed once taken, so the pool never
 * holds a token that was handed out.
 */
const pool = Buffer.alloc(TOKEN_BYTES * 128);
let taken = pool.length;

/** 256 random bits, base64url: what the client keeps; the store keeps only `hash`. */
export function newSessionToken(): { token: string; hash: string } {
  if (taken === pool.length) {
    randomFillSync(pool);
    taken = 0;
  }
  const token = pool.toString('base64url', taken, taken + TOKEN_BYTES);
  pool.fill(0, taken, taken + TOKEN_BYTES);
  taken += TOKEN_BYTES;
  return { token, hash: hashSessionToken(token) };
}

/** One-shot SHA-256 (hex): no hash object per call. */
export const hashSessionToken = (token: string): string => hash('sha256', token, 'hex');

/**
 * Throws unless `access` may use `conversation`: no token 401 `session_token_required`, a wrong
 * one 403 `invalid_session_token`. A session from before tokens (no hash) takes no token at all.
 */
export function checkSessionAccess(conversation: Pick<Conversation, 'id' | 'tokenHash'>, access: SessionAccess): void {
  if (access.trusted === true) return;
  if (access.token === undefined || access.token === '') {
    throw new KefuError('session_token_required', `continuing or reading session ${conversation.id} needs its session_token (body, or the X-Kefu-Session-Token header) or a channel key`, { status: 401 });
  }
  const given = Buffer.from(hashSessionToken(access.token), 'hex');
  const expected = Buffer.from(conversation.tokenHash ?? '', 'hex');
  // Hashes have one length, so the comparison's time says nothing about the token.
  if (expected.length !== given.length || !timingSafeEqual(given, expected)) {
    throw new KefuError('invalid_session_token', conversation.tokenHash === null
      ? `session ${conversation.id} was created before session tokens; only a channel, agent or admin key may continue it`
      : `session_token does not match session ${conversation.id}`, { status: 403 });
  }
}
