import { randomUUID } from 'node:crypto';
import { hostname } from 'node:os';
import { Redis } from 'ioredis';
import type { EnqueueOptions, Job, JobHandler, JobQueue, JobState } from '../contracts/job-queue.ts';
import { isKefuError } from '../errors.ts';
import { exponentialBackoff, type Backoff } from './backoff.ts';
import { checkText, DEFAULT_MAX_ATTEMPTS, describeError, payloadText } from './job-input.ts';
import { queueError } from './queue-error.ts';
import { toJob } from './redis-job-fields.ts';
import { SCRIPTS, type ScriptName } from './redis-job-queue-scripts.ts';
import type { QueueLogger } from './sqlite-job-queue.ts';

export interface RedisStreamJobQueueOptions {
  /** `redis://host:port/db`; the queue opens (and closes) its own connections. */
  url?: string;
  /** An existing client instead of `url`; the queue duplicates it for blocking reads and never quits it. */
  redis?: Redis;
  /** Namespace of every key. Default `kefu`. */
  prefix?: string;
  /** Epoch ms; injectable so tests control due times and backoff. Default `Date.now`. */
  now?: () => number;
  /** Uniform in [0, 1) for backoff jitter. Default `Math.random`. */
  random?: () => number;
  /** Retry delays: base 500 ms doubling up to 60 s, with jitter. */
  backoff?: { baseMs?: number; capMs?: number };
  /** How long a delivered job stays with its consumer without a heartbeat before another claims it (ms, Redis time). Default 30 000. */
  leaseMs?: number;
  /** How long finished jobs and their idempotency keys are kept (ms). Default 7 days. */
  retentionMs?: number;
  /** This node's consumer name in the group; each `work()` loop appends its own number. Default host-pid-random. */
  consumer?: string;
  logger?: QueueLogger;
}

interface Worker {
  type: string;
  consumer: string;
  blocker: Redis;
  stopped: boolean;
  inFlight: Set<Promise<void>>;
  loop: Promise<void>;
}

type Claimed = { job: Job; token: string };

const GROUP = 'workers';
const STATES: readonly JobState[] = ['queued', 'running', 'done', 'dead'];

/**
 * The `JobQueue` contract on Redis Streams, for several Kefu nodes sharing one Redis.
 *
 * Keys (all under `<prefix>:`): `job:<id>` a hash per job (what `get` returns); `idem:<type>:<key>`
 * the id of the job that owns an idempotency key, set with SET NX semantics inside the enqueue
 * script; `stream:<type>` the due jobs, read by the consumer group `workers`; `delayed:<type>` a
 * sorted set of jobs not yet due (delayed enqueues and retries), moved to the stream by every
 * worker loop once `now()` passes their score; `deadletter:<type>` a stream of buried jobs;
 * `state:queued`/`state:running` sets and `state:done`/`state:dead` sorted sets for `stats()`.
 * Finished jobs, and their idempotency keys, expire `retentionMs` after they finish; while a job is
 * live its key has no TTL, so a key can only be reused once its job is forgotten.
 *
 * Every state change is one Lua script, so enqueue, claim and settle are atomic. A delivered
 * job's stream entry stays pending in the group until it is settled; its worker renews the entry
 * every third of `leaseMs` (XCLAIM to itself), and an entry idle longer than that is taken over by
 * another consumer with XAUTOCLAIM, counting as an attempt. A claim token in the job hash makes a
 * late worker's outcome a no-op once its job was taken over.
 *
 * Needs Redis ≥ 6.2 (XAUTOCLAIM), not Redis Cluster (scripts touch keys they compute).
 */
export function createRedisStreamJobQueue(options: RedisStreamJobQueueOptions): JobQueue {
  return new RedisStreamQueue(options);
}

class RedisStreamQueue implements JobQueue {
  readonly #redis: Redis;
  readonly #ownsClient: boolean;
  readonly #prefix: string;
  readonly #now: () => number;
  readonly #backoff: Backoff;
  readonly #leaseMs: number;
  readonly #retentionMs: number;
  readonly #consumer: string;
  readonly #logger: QueueLogger | undefined;
  readonly #workers = new Set<Worker>();
  #workerCount = 0;
  #closed = false;

  constructor(options: RedisStreamJobQueueOptions) {
    const leaseMs = options.leaseMs ?? 30_000;
    const retentionMs = options.retentionMs ?? 7 * 24 * 3600_000;
    if (!Number.isSafeInteger(leaseMs) || leaseMs < 3) throw queueError('invalid_argument', 'leaseMs must be an integer ≥ 3');
    if (!Number.isSafeInteger(retentionMs) || retentionMs < 1) throw queueError('invalid_argument', 'retentionMs must be an integer ≥ 1');
    if (options.redis) {
      this.#redis = options.redis;
      this.#ownsClient = false;
    } else if (options.url) {
      this.#redis = new Redis(options.url);
      this.#ownsClient = true;
      // Failures surface through the commands that hit them; without a listener ioredis prints each reconnect error.
      this.#redis.on('error', () => {});
    } else {
      throw queueError('invalid_argument', 'createRedisStreamJobQueue needs `url` (KEFU_REDIS_URL) or `redis`');
    }
    this.#prefix = options.prefix ?? 'kefu';
    this.#now = options.now ?? Date.now;
    this.#backoff = exponentialBackoff(Object.assign({}, options.backoff, (options.random ? { random: options.random } : {})));
    this.#leaseMs = leaseMs;
    this.#retentionMs = retentionMs;
    this.#consumer = options.consumer ?? `${hostname()}-${process.pid}-${randomUUID().slice(0, 8)}`;
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
    const k = this.#typeKeys(type);
    const reply = await this.#call('enqueue', [k.idem(options.idempotencyKey), k.stream, k.delayed, this.#key('state:queued')], [
      randomUUID(), this.#key('job:'), type, text, options.idempotencyKey, maxAttempts, now + delayMs, now, now,
    ]);
    const [created, fields] = reply as [number, string[]];
    return { job: toJob(fields) as Job<P>, created: created === 1 };
  }

  work<P>(type: string, handler: JobHandler<P>, options: { concurrency?: number; pollMs?: number } = {}): () => Promise<void> {
    this.#checkOpen();
    checkText('type', type);
    const concurrency = options.concurrency ?? 1;
    const pollMs = options.pollMs ?? 200;
    if (!Number.isSafeInteger(concurrency) || concurrency < 1) throw queueError('invalid_argument', 'concurrency must be an integer ≥ 1');
    if (!Number.isSafeInteger(pollMs) || pollMs < 1) throw queueError('invalid_argument', 'pollMs must be an integer ≥ 1');

    this.#workerCount += 1;
    const worker: Worker = {
      type,
      consumer: `${this.#consumer}-${this.#workerCount}`,
      blocker: this.#redis.duplicate(),
      stopped: false,
      inFlight: new Set(),
      loop: Promise.resolve(),
    };
    worker.blocker.on('error', () => {});
    worker.loop = this.#run(worker, handler as JobHandler, concurrency, pollMs);
    this.#workers.add(worker);
    return async () => {
      this.#workers.delete(worker);
      await this.#stop(worker);
    };
  }

  async get(id: string): Promise<Job | null> {
    this.#checkOpen();
    const fields = await this.#redis.hgetall(this.#key(`job:${id}`));
    return Object.keys(fields).length === 0 ? null : toJob(Object.entries(fields).flat());
  }

  async stats(): Promise<Record<JobState, number>> {
    this.#checkOpen();
    const cutoff = this.#now() - this.#retentionMs;
    const [, , queued, running, done, dead] = (await this.#redis
      .multi()
      .zremrangebyscore(this.#key('state:done'), '-inf', `(${cutoff}`)
      .zremrangebyscore(this.#key('state:dead'), '-inf', `(${cutoff}`)
      .scard(this.#key('state:queued'))
      .scard(this.#key('state:running'))
      .zcard(this.#key('state:done'))
      .zcard(this.#key('state:dead'))
      .exec()) ?? [];
    const counts = Object.fromEntries(STATES.map((s) => [s, 0])) as Record<JobState, number>;
    const value = (r: [Error | null, unknown] | undefined): number => {
      if (r?.[0]) throw r[0];
      return Number(r?.[1] ?? 0);
    };
    counts.queued = value(queued);
    counts.running = value(running);
    counts.done = value(done);
    counts.dead = value(dead);
    return counts;
  }

  async close(): Promise<void> {
    if (this.#closed) return;
    const workers = [...this.#workers];
    this.#workers.clear();
    await Promise.all(workers.map((w) => this.#stop(w)));
    this.#closed = true;
    if (this.#ownsClient) await this.#redis.quit().catch(() => this.#redis.disconnect());
  }

  /** Claims and runs jobs of one type until stopped: due delayed jobs → stream, stale entries reclaimed, then a blocking read. */
  async #run(worker: Worker, handler: JobHandler, concurrency: number, pollMs: number): Promise<void> {
    const k = this.#typeKeys(worker.type);
    let groupReady = false;
    let cursor = '0-0';
    while (!worker.stopped) {
      try {
        if (!groupReady) {
          await this.#redis.xgroup('CREATE', k.stream, GROUP, '0', 'MKSTREAM').catch((err: unknown) => {
            if (!String(err).includes('BUSYGROUP')) throw err;
          });
          groupReady = true;
        }
        await this.#call('promote', [k.delayed, k.stream], [this.#now(), 100]);
        let free = concurrency - worker.inFlight.size;
        if (free === 0) {
          await Promise.race(worker.inFlight);
          continue;
        }
        const [next, reclaimed] = (await this.#call('reclaim', this.#settleKeys(k), [
          this.#key('job:'), GROUP, worker.consumer, this.#leaseMs, cursor, free, this.#now(), this.#retentionMs,
          ...Array.from({ length: free }, () => randomUUID()),
        ])) as [string, [string, string[]][]];
        cursor = next;
        for (const [token, fields] of reclaimed) this.#start(worker, { job: toJob(fields), token }, handler);
        free -= reclaimed.length;
        if (free === 0 || worker.stopped) continue;

        const read = await worker.blocker.xreadgroup('GROUP', GROUP, worker.consumer, 'COUNT', free, 'BLOCK', pollMs, 'STREAMS', k.stream, '>');
        const entries = (read as [string, [string, string[] | null][]][] | null)?.[0]?.[1] ?? [];
        if (entries.length === 0) continue;
        const args: (string | number)[] = [this.#key('job:'), GROUP, this.#now(), this.#retentionMs];
        for (const [entryId, fields] of entries) args.push(entryId, fields?.[1] ?? '', randomUUID());
        const claimed = (await this.#call('claim', this.#settleKeys(k), args)) as [string, string[]][];
        for (const [token, fields] of claimed) this.#start(worker, { job: toJob(fields), token }, handler);
      } catch (err) {
        if (worker.stopped) break;
        if (String(err).includes('NOGROUP')) groupReady = false; // Redis lost its data (restart without persistence)
        this.#logger?.warn({ err, type: worker.type }, 'could not claim jobs from Redis; retrying');
        await sleep(Math.min(Math.max(pollMs, 50), 1000));
      }
    }
  }

  #start(worker: Worker, claimed: Claimed, handler: JobHandler): void {
    const running: Promise<void> = this.#execute(worker, claimed, handler).finally(() => worker.inFlight.delete(running));
    worker.inFlight.add(running);
  }

  /** Runs the handler while renewing the lease, then records the outcome if the claim is still ours. */
  async #execute(worker: Worker, { job, token }: Claimed, handler: JobHandler): Promise<void> {
    const k = this.#typeKeys(job.type);
    const heartbeat = setInterval(() => {
      this.#call('renew', [k.stream], [this.#key(`job:${job.id}`), token, GROUP, worker.consumer]).catch((err: unknown) =>
        this.#logger?.warn({ err, jobId: job.id }, 'could not renew a job lease'),
      );
    }, Math.floor(this.#leaseMs / 3));
    let failure: { error: unknown } | null = null;
    try {
      await handler(job);
    } catch (error) {
      failure = { error };
    } finally {
      clearInterval(heartbeat);
    }
    let outcome: 'done' | 'retry' | 'dead' = 'done';
    let error = '';
    let runAt = 0;
    const now = this.#now();
    if (failure !== null) {
      error = describeError(failure.error);
      const permanent = isKefuError(failure.error) && !failure.error.retryable;
      outcome = permanent || job.attempts >= job.maxAttempts ? 'dead' : 'retry';
      runAt = now + this.#backoff(job.attempts);
    }
    try {
      const settled = await this.#call('settle', this.#settleKeys(k), [this.#key('job:'), GROUP, job.id, token, outcome, now, error, runAt, this.#retentionMs]);
      if (settled !== 1) this.#logger?.warn({ jobId: job.id, type: job.type }, 'job lease expired before its handler finished; another worker owns it now');
      else if (outcome === 'dead') this.#logger?.warn({ jobId: job.id, type: job.type, attempts: job.attempts, error }, 'job is dead');
    } catch (err) {
      this.#logger?.error({ err, jobId: job.id, type: job.type }, 'could not record a job outcome; it runs again when its lease expires');
    }
  }

  async #stop(worker: Worker): Promise<void> {
    worker.stopped = true;
    worker.blocker.disconnect(); // ends a blocking read at once; an entry it had taken stays pending and is reclaimed after the lease
    await worker.loop;
    while (worker.inFlight.size > 0) await Promise.allSettled([...worker.inFlight]);
  }

  /** EVALSHA, loading the script on NOSCRIPT (first use, or a Redis that restarted). */
  async #call(name: ScriptName, keys: string[], args: (string | number)[]): Promise<unknown> {
    const script = SCRIPTS[name];
    try {
      return await this.#redis.evalsha(script.sha, keys.length, ...keys, ...args);
    } catch (err) {
      if (!String(err).includes('NOSCRIPT')) throw err;
      return await this.#redis.eval(script.lua, keys.length, ...keys, ...args);
    }
  }

  #settleKeys(k: TypeKeys): string[] {
    return [k.stream, k.delayed, k.deadletter, this.#key('state:queued'), this.#key('state:running'), this.#key('state:done'), this.#key('state:dead')];
  }

  #typeKeys(type: string): TypeKeys {
    const t = encodeURIComponent(type);
    return {
      stream: this.#key(`stream:${t}`),
      delayed: this.#key(`delayed:${t}`),
      deadletter: this.#key(`deadletter:${t}`),
      idem: (key) => this.#key(`idem:${t}:${encodeURIComponent(key)}`),
    };
  }

  #key(suffix: string): string {
    return `${this.#prefix}:${suffix}`;
  }

  #checkOpen(): void {
    if (this.#closed) throw queueError('queue_closed', 'the job queue is closed');
  }
}

interface TypeKeys {
  stream: string;
  delayed: string;
  deadletter: string;
  idem: (key: string) => string;
}

function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}
