import type { Context } from 'hono';
import { SESSION_TOKEN_HEADER, type SessionAccess } from '../sessions/session-token.ts';
import type { AppEnv } from './app-env.ts';

/**
 * A customer request's claim on an existing session: the session token from the body or the
 * X-Kefu-Session-Token header; any valid key (channel, agent, admin) stands in for it, since the
 * tenant check that follows keeps a key to its own tenant's sessions.
 */
export function requestSessionAccess(c: Context<AppEnv>, bodyToken?: string): SessionAccess {
  if (c.get('principal') !== undefined) return { trusted: true };
  const token = bodyToken ?? c.req.header(SESSION_TOKEN_HEADER);
  return token === undefined ? {} : { token };
}
