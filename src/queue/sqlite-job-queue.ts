import { randomUUID } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import Database from 'better-sqlite3';
import type { EnqueueOptions, Job, JobHandler, JobQueue, JobState } from '../contracts/job-queue.ts';
import { isKefuError } from '../errors.ts';
import { exponentialBackoff, type Backoff } from './backoff.ts';
import { migrateComponent } from './component-migrations.ts';
import { checkText, DEFAULT_MAX_ATTEMPTS, describeError, payloadText } from './job-input.ts';
import { PollLoop } from './poll-loop.ts';
import { queueError } from './queue-error.ts';
import { queueMigrations } from './queue-migrations.ts';
import { prepareQueueStatements, toJob, type QueueStatements } from './queue-statements.ts';

/** The part of a logger the queue uses; pino fits. */
export interface QueueLogger {
  warn(details: Record<string, unknown>, message: string): void;
  error(details: Record<string, unknown>, message: string): void;
}

export interface SqliteJobQueueOptions {
  /** Its own database file (`<dataDir>/queue.db`); parent folders are created. */
  path: string;
  /** Epoch ms; injectable so tests control due times, backoff and leases. Default `Date.now`. */
  now?: () => number;
  /** Uniform in [0, 1) for backoff jitter. Default `Math.random`. */
  random?: () => number;
  /** Retry delays: base 500 ms doubling up to 60 s, with jitter. */
  backoff?: { baseMs?: number; capMs?: number };
  /** How long a claimed job stays with its worker without a heartbeat (ms). Default 30 000. */
  leaseMs?: number;
  /** How long a write waits for another process's lock (ms). Default 5000. */
  busyTimeoutMs?: number;
  logger?: QueueLogger;
}

export interface SqliteJobQueue extends JobQueue {
  /** Deletes `done` and `dead` jobs finished more than `olderThanMs` ago; returns how many. */
  purge(olderThanMs: number): Promise<number>;
}

type ClaimedJob = Job & { leaseToken: string };

const STATES: readonly JobState[] = ['queued', 'running', 'done', 'dead'];

/**
 * The embedded durable queue: one SQLite file in WAL mode, shared safely by several processes.
 * Claims run in `BEGIN IMMEDIATE` transactions, so two processes never claim the same job; a
 * running job holds a lease that its worker renews every third of `leaseMs`, and a job whose
 * lease ran out (its process died) is claimed again.
 */
export function createSqliteJobQueue(options: SqliteJobQueueOptions): SqliteJobQueue {
  return new SqliteQueue(options);
}

class SqliteQueue implements SqliteJobQueue {
  readonly #db: Database.Database;
  readonly #sql: QueueStatements;
  readonly #now: () => number;
  readonly #backoff: Backoff;
  readonly #leaseMs: number;
  readonly #logger: QueueLogger | undefined;
  readonly #loops = new Map<PollLoop<ClaimedJob>, string>();
  #closed = false;

  constructor(options: SqliteJobQueueOptions) {
    const leaseMs = options.leaseMs ?? 30_000;
    if (!Number.isSafeInteger(leaseMs) || leaseMs < 3) throw queueError('invalid_argument', 'leaseMs must be an integer ≥ 3');
    if (options.path !== ':memory:') mkdirSync(dirname(options.path), { recursive: true });
    this.#db = new Database(options.path, { timeout: options.busyTimeoutMs ?? 5000 });
    try {
      this.#db.pragma('journal_mode = WAL');
      this.#db.pragma('secure_delete = ON'); // deleted rows are zeroed in the file (docs/privacy.md)
      this.#db.pragma('synchronous = NORMAL');
      migrateComponent(this.#db, 'job_queue', queueMigrations);
      this.#sql = prepareQueueStatements(this.#db);
    } catch (err) {
      this.#db.close();
      throw err;
    }
    this.#now = options.now ?? Date.now;
    this.#backoff = exponentialBackoff(Object.assign({}, options.backoff, (options.random ? { random: options.random } : {})));
    this.#leaseMs = leaseMs;
    this.#logger = options.logger;
  }

  async enqueue<P>(type: string, payload: P, options: EnqueueOptions): Promise<{ job: Job<P>; created: boolean }> {
    this.#checkOpen();
    checkText('type', type);
    checkText('idempotencyKey', options.idempotencyKey);
    const maxAttempts = options.maxAttempts ?? DEFAULT_MAX_ATTEMPTS;
    const delayMs = options.delayMs ?? 0;
    if (!Number.isSafeInteger(maxAttempts) || maxAttempts < 1) throw queueError('invalid_argument', 'maxAttempts must be an integer ≥ 1');
    if (!Number.isSafeInteger(delayMs) || delayMs < 0) throw queueError('invalid_argument', 'delayMs must be an integer ≥ 0');
    const text = payloadText(payload);
    const now = this.#now();

    const { row, created } = this.#db
      .transaction(() => {
        const inserted = this.#sql.insert.run(randomUUID(), type, text, options.idempotencyKey, maxAttempts, now + delayMs, now, now);
        const stored = this.#sql.getByKey.get(type, options.idempotencyKey);
        if (stored === undefined) throw new Error(`job ${type}/${options.idempotencyKey} missing right after its insert`);
        return { row: stored, created: inserted.changes === 1 };
      })
      .immediate();
    if (created) for (const [loop, loopType] of this.#loops) if (loopType === type) loop.wake();
    return { job: toJob(row) as Job<P>, created };
  }

  work<P>(type: string, handler: JobHandler<P>, options: { concurrency?: number; pollMs?: number } = {}): () => Promise<void> {
    this.#checkOpen();
    checkText('type', type);
    const concurrency = options.concurrency ?? 1;
    const pollMs = options.pollMs ?? 200;
    if (!Number.isSafeInteger(concurrency) || concurrency < 1) throw queueError('invalid_argument', 'concurrency must be an integer ≥ 1');
    if (!Number.isSafeInteger(pollMs) || pollMs < 1) throw queueError('invalid_argument', 'pollMs must be an integer ≥ 1');

    const loop = new PollLoop<ClaimedJob>({
      claim: () => this.#claim(type),
      run: (job) => this.#execute(job, handler as JobHandler),
      onClaimError: (err) => this.#logger?.warn({ err, type }, 'could not claim a job; retrying at the next poll'),
      concurrency,
      pollMs,
    });
    this.#loops.set(loop, type);
    loop.start();
    return async () => {
      this.#loops.delete(loop);
      await loop.stop();
    };
  }

  async get(id: string): Promise<Job | null> {
    this.#checkOpen();
    const row = this.#sql.get.get(id);
    return row === undefined ? null : toJob(row);
  }

  async stats(): Promise<Record<JobState, number>> {
    this.#checkOpen();
    const counts = Object.fromEntries(STATES.map((s) => [s, 0])) as Record<JobState, number>;
    for (const { state, n } of this.#sql.countByState.all()) counts[state] = n;
    return counts;
  }

  async purge(olderThanMs: number): Promise<number> {
    this.#checkOpen();
    if (!Number.isSafeInteger(olderThanMs) || olderThanMs < 0) throw queueError('invalid_argument', 'olderThanMs must be an integer ≥ 0');
    return this.#sql.purge.run(this.#now() - olderThanMs).changes;
  }

  async close(): Promise<void> {
    if (this.#closed) return;
    const loops = [...this.#loops.keys()];
    this.#loops.clear();
    await Promise.all(loops.map((l) => l.stop()));
    this.#closed = true;
    this.#db.close();
  }

  /** The claimed job with its lease token, or null. Skips (and buries) jobs that crashed on their last attempt. */
  #claim(type: string): ClaimedJob | null {
    if (this.#closed) return null;
    const claim = this.#db.transaction(() => {
      for (;;) {
        const now = this.#now();
        const next = this.#sql.nextClaimable.get(type, now, now);
        if (next === undefined) return null;
        if (next.state === 'running' && next.attempts >= next.max_attempts) {
          const error = `lease expired on attempt ${next.attempts} of ${next.max_attempts}: the worker stopped without settling the job`;
          this.#sql.buryExpired.run(error, now, next.id);
          this.#logger?.warn({ jobId: next.id, type }, 'job is dead: its last attempt never finished');
          continue;
        }
        const leaseToken = randomUUID();
        const row = this.#sql.claim.get(leaseToken, now + this.#leaseMs, now, next.id);
        if (row === undefined) throw new Error(`job ${next.id} vanished while being claimed`);
        return Object.assign({}, toJob(row), { leaseToken });
      }
    });
    return claim.immediate();
  }

  /** Runs the handler while renewing the lease, then records the outcome if the lease is still ours. */
  async #execute(claimed: ClaimedJob, handler: JobHandler): Promise<void> {
    const { leaseToken, ...job } = claimed;
    const heartbeat = setInterval(() => this.#renew(job.id, leaseToken), Math.floor(this.#leaseMs / 3));
    let failure: { error: unknown } | null = null;
    try {
      await handler(job);
    } catch (error) {
      failure = { error };
    } finally {
      clearInterval(heartbeat);
    }
    try {
      const settled = this.#db.transaction(() => this.#settle(job, leaseToken, failure)).immediate();
      if (!settled) this.#logger?.warn({ jobId: job.id, type: job.type }, 'job lease expired before its handler finished; another worker owns it now');
    } catch (err) {
      this.#logger?.error({ err, jobId: job.id, type: job.type }, 'could not record a job outcome; it runs again when its lease expires');
    }
  }

  #settle(job: Job, leaseToken: string, failure: { error: unknown } | null): boolean {
    const now = this.#now();
    if (failure === null) return this.#sql.complete.run(now, job.id, leaseToken).changes === 1;
    const error = describeError(failure.error);
    const permanent = isKefuError(failure.error) && !failure.error.retryable;
    if (permanent || job.attempts >= job.maxAttempts) {
      const dead = this.#sql.bury.run(error, now, job.id, leaseToken).changes === 1;
      if (dead) this.#logger?.warn({ jobId: job.id, type: job.type, attempts: job.attempts, error }, 'job is dead');
      return dead;
    }
    const runAt = now + this.#backoff(job.attempts);
    return this.#sql.retry.run(runAt, error, now, job.id, leaseToken).changes === 1;
  }

  #renew(id: string, leaseToken: string): void {
    if (this.#closed) return;
    try {
      this.#sql.renew.run(this.#now() + this.#leaseMs, id, leaseToken);
    } catch (err) {
      this.#logger?.warn({ err, jobId: id }, 'could not renew a job lease');
    }
  }

  #checkOpen(): void {
    if (this.#closed) throw queueError('queue_closed', 'the job queue is closed');
  }
}
