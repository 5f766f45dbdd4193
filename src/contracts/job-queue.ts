/**
 * Async work (tickets, notifications) behind one contract: the embedded durable SQLite queue is
 * the default; Redis Streams or Kafka adapters implement the same semantics later.
 *
 * Semantics: at-least-once delivery to handlers, exactly-once *effect* per idempotency key —
 * enqueueing a key that already exists returns the existing job and creates nothing. A handler
 * that throws is retried with exponential backoff until `maxAttempts`, then the job is `dead`.
 * A handler that throws a `KefuError` with `retryable: false` goes to `dead` at once.
 */
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
  idempotencyKey: string;
  maxAttempts?: number;
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
