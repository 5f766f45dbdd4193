import type { Job, JobState } from '../contracts/job-queue.ts';
import { DEFAULT_MAX_ATTEMPTS } from './job-input.ts';

// What the Redis job queue (redis-stream-job-queue.ts) writes into a job hash and reads back.

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
