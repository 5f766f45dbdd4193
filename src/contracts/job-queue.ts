/**
 * Async work (tickets, notifications) behind one contract: the embedded durable SQLite queue is
 * the default; Redis Streams or Kafka adapters implement the same semantics later.
 *
 * Semantics: at-least-once delivery to handlers, exactly-once *effect* per idempotency key —
 * enqueueing a key that already exists returns the existing job and creates nothing. A handler
 * that throws is retried with exponential backoff until `maxAttempts`, then the job is `dead`.
 * A handler that throws a `KefuError` with `retryable: false` goes to `dead` at once.
 *
 * Refinements every adapter keeps (test/queue/job-queue.contract.ts checks those that need no crash):
 * - Idempotency keys are unique per job `type`; a repeated enqueue returns the first job
 *   unchanged, whatever payload or options it was given this time.
 * - A claimed job is leased to one worker; a worker that dies leaves it `running` until the lease
 *   runs out, then it is claimed again. A crash counts as an attempt, so a job that kills its
 *   worker every time still ends `dead` after `maxAttempts`.
 * - `attempts` counts claims; `lastError` keeps the latest failure, also after a later success.
 * - Adapters may forget finished (`done`/`dead`) jobs after a retention period; a key can be
 *   enqueued again once its job is forgotten, so handlers keep their own effects idempotent.
 * - Failures are `KefuError`s with a `JobQueueErrorCode`.
 */
export type JobQueueErrorCode = 'invalid_argument' | 'queue_closed' | 'schema_too_new';

export type JobState = 'queued' | 'running' | 'done' | 'dead';

export interface Job<P = unknown> {
  id: string;
  type: string;
  payload: P;
  idempotencyKey: string;
  state: JobState;
  attempts: number;
  maxAttempts: number;
  /** Epoch ms. */
  runAt: number;
  createdAt: number;
  lastError: string | null;
}

export interface EnqueueOptions {
  /** Unique per job type; see the semantics above. */
  idempotencyKey: string;
  /** Claims before the job is `dead`; an integer ≥ 1. Default 10. */
  maxAttempts?: number;
  /** Earliest start, from now; an integer ≥ 0. Default 0. */
  delayMs?: number;
}

export type JobHandler<P = unknown> = (job: Job<P>) => Promise<void>;

export interface JobQueue {
  /** `created: false` when a job with this idempotency key already exists (it is returned). */
  enqueue<P>(type: string, payload: P, options: EnqueueOptions): Promise<{ job: Job<P>; created: boolean }>;
  /** Starts polling for jobs of `type`; returns a function that stops and waits for running ones. */
  work<P>(type: string, handler: JobHandler<P>, options?: { concurrency?: number; pollMs?: number }): () => Promise<void>;
  get(id: string): Promise<Job | null>;
  /** Counts per state, for metrics and the admin dashboard. */
  stats(): Promise<Record<JobState, number>>;
  close(): Promise<void>;
}
