import type { Job, JobState } from '../contracts/job-queue.ts';
import { isKefuError } from '../errors.ts';
import { queueError } from './queue-error.ts';

// What the Redis job queue (redis-stream-job-queue.ts) writes into a job hash and reads back.

/** Attempts a job gets when its enqueue names none. */
export const DEFAULT_MAX_ATTEMPTS = 10;

/** A job from its hash, as HGETALL returns it (field, value, field, value…). */
export function toJob(fields: string[]): Job {
  const h: Record<string, string> = {};
  for (let i = 0; i + 1 < fields.length; i += 2) h[fields[i]!] = fields[i + 1]!;
  return {
    id: h.id ?? '',
    type: h.type ?? '',
    payload: JSON.parse(h.payload ?? 'null') as unknown,
    idempotencyKey: h.idempotencyKey ?? '',
    state: (h.state ?? 'queued') as JobState,
    attempts: Number(h.attempts ?? 0),
    maxAttempts: Number(h.maxAttempts ?? DEFAULT_MAX_ATTEMPTS),
    runAt: Number(h.runAt ?? 0),
    createdAt: Number(h.createdAt ?? 0),
    lastError: h.lastError ?? null,
  };
}

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

export function describeError(err: unknown): string {
  const text = isKefuError(err) ? `${err.code}: ${err.message}` : err instanceof Error ? err.message || err.name : String(err);
  return text.slice(0, MAX_ERROR_CHARS);
}
