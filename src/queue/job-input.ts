import { isKefuError } from '../errors.ts';
import { queueError } from './queue-error.ts';

// Checks and encodings every job queue (SQLite, Redis) applies to what it is given.

/** Attempts a job gets when its enqueue names none. */
export const DEFAULT_MAX_ATTEMPTS = 10;

export function checkText(name: string, value: string): void {
  if (typeof value !== 'string' || value.length === 0) throw queueError('invalid_argument', `${name} must be a non-empty string`);
}

export function payloadText(payload: unknown): string {
  let text: string | undefined;
  try {
    text = JSON.stringify(payload);
  } catch (cause) {
    throw queueError('invalid_argument', 'payload is not JSON-serialisable', cause);
  }
  if (text === undefined) throw queueError('invalid_argument', 'payload is not JSON-serialisable');
  return text;
}

const MAX_ERROR_CHARS = 2000;

/** A failed job's error as stored with it: `code: message` for Kefu errors, cut to 2000 characters. */
export function describeError(err: unknown): string {
  const text = isKefuError(err) ? `${err.code}: ${err.message}` : err instanceof Error ? err.message || err.name : String(err);
  return text.slice(0, MAX_ERROR_CHARS);
}
