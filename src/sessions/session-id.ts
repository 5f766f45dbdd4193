import { badRequest } from '../errors.ts';

/** 1–128 characters of letters, digits and `_ - : .`: safe in URLs, logs and Redis keys. */
export const SESSION_ID_PATTERN = /^[A-Za-z0-9_\-:.]{1,128}$/;

export function isValidSessionId(id: unknown): id is string {
  return typeof id === 'string' && SESSION_ID_PATTERN.test(id);
}

/** Throws 400 `invalid_session_id` unless `id` matches `SESSION_ID_PATTERN`. */
export function assertSessionId(id: unknown): string {
  if (!isValidSessionId(id)) {
    throw badRequest('invalid_session_id', 'session_id must be 1-128 characters of A-Z, a-z, 0-9, _, -, : or .');
  }
  return id;
}
