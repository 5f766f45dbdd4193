import { isKefuError, type KefuError } from '../../errors.ts';
import { storeError } from '../store-error.ts';

/** SQLSTATEs for values PostgreSQL cannot hold (a NUL byte in TEXT, a number out of range). */
const INVALID_VALUE = new Set(['22021', '22P05', '22003', '54000']);
/** Node socket errors meaning the server cannot be reached. */
const UNREACHABLE = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE', 'EHOSTUNREACH', 'ENOTFOUND']);

/**
 * Maps a driver error to the store's codes so callers never see a `pg` error: a value the
 * database cannot store is `invalid_argument`; a server that is down, restarting or unreachable
 * is `store_closed` (503, retryable), like a closed store. Anything else (a bug) passes through.
 */
export function translatePgError(error: unknown): unknown {
  if (isKefuError(error) || !(error instanceof Error)) return error;
  const code = (error as Error & { code?: unknown }).code;
  if (typeof code === 'string' && INVALID_VALUE.has(code)) {
    return storeError('invalid_argument', `the database cannot store this value: ${error.message}`, error);
  }
  if (typeof code === 'string' && (code.startsWith('08') || code.startsWith('57P') || UNREACHABLE.has(code))) {
    return unavailable(error);
  }
  if (/Connection terminated|Cannot use a pool after calling end|timeout exceeded when trying to connect/i.test(error.message)) {
    return unavailable(error);
  }
  return error;
}

function unavailable(cause: Error): KefuError {
  return storeError('store_closed', `the database is unavailable: ${cause.message}`, cause);
}
