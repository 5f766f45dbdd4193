import type { StoredMessage } from '../contracts/conversation-store.ts';
import { storeError } from './store-error.ts';

/**
 * Argument checks every adapter applies before touching its database, so that a value one
 * database would silently coerce (SQLite's `LIMIT -1` means "no limit", a float timestamp in an
 * INTEGER column) fails the same way everywhere.
 */
export function checkTimestamp(name: string, value: number): number {
  if (!Number.isSafeInteger(value)) {
    throw storeError('invalid_argument', `${name} must be an integer number of milliseconds`);
  }
  return value;
}

export function checkLimit(name: string, value: number): number {
  if (!Number.isSafeInteger(value) || value < 0) {
    throw storeError('invalid_argument', `${name} must be a non-negative integer`);
  }
  return value;
}

export function checkId(name: string, value: string): string {
  if (typeof value !== 'string' || value.length === 0) {
    throw storeError('invalid_argument', `${name} must be a non-empty string`);
  }
  return value;
}

const ROLES: ReadonlySet<string> = new Set<StoredMessage['role']>(['user', 'assistant', 'agent', 'system']);

export function isMessageRole(value: string): value is StoredMessage['role'] {
  return ROLES.has(value);
}

/** JSON text for a state or meta object; values JSON cannot hold are an argument error. */
export function toJsonObjectText(name: string, value: Record<string, unknown>): string {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw storeError('invalid_argument', `${name} must be a plain object`);
  }
  try {
    return JSON.stringify(value);
  } catch (cause) {
    throw storeError('invalid_argument', `${name} is not JSON-serialisable`, cause);
  }
}
