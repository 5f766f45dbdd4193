import type pg from 'pg';
import type { AuditCheckpoint, AuditEntry, AuditInput, AuditLog, AuditProblem, AuditVerification, SignedAuditCheckpoint } from '../contracts/audit-log.ts';
import { KefuError } from '../errors.ts';
import { translatePgError } from '../store/postgres/postgres-errors.ts';
import { runPostgresMigrations } from '../store/postgres/run-postgres-migrations.ts';
import { withTransaction } from '../store/postgres/with-transaction.ts';
import { AuditChainWalker } from './audit-chain.ts';
import { buildAuditEntry, fromAuditRow, normaliseAuditInput, toAuditRow } from './audit-entry.ts';
import { auditExportRange } from './audit-export-range.ts';
import { GENESIS_HASH } from './audit-hash.ts';
import { deriveAuditKeys, macMatches, macOf, type AuditKeys } from './audit-keys.ts';
import { checkpointProblem, signCheckpoint } from './checkpoint-check.ts';
import { auditStatements, insertValues, postgresAuditMigrations, toSqliteShape, type PgAuditRow, type PgHeadRow } from './postgres-audit-schema.ts';

export interface PostgresAuditLogOptions {
  /** The pool the other shared stores use. */
  pool: pg.Pool;
  schema?: string;
  /** KEFU_AUDIT_KEY, the same on every node: a shared log is always keyed. */
  key: Buffer;
  now?: () => number;
  /** A server (true, default) refuses a log whose head another key signed; `kefu audit verify` reports it instead. */
  refuseForeignKey?: boolean;
  checkpoints?: { everyEntries: number; everyMs: number; emit(checkpoint: SignedAuditCheckpoint): void };
}

interface Head {
  seq: number;
  hash: string;
  checkpointSeq: number;
  checkpointHash: string;
  mismatch: AuditProblem | null;
  mac: string;
}

type Client = pg.Pool | pg.PoolClient;
const PAGE_SIZE = 500;
const PROGRESS_EVERY = 1000;

const headOf = (r: PgHeadRow): Head => ({
  seq: Number(r.seq),
  hash: r.hash,
  checkpointSeq: Number(r.checkpoint_seq),
  checkpointHash: r.checkpoint_hash,
  mismatch: r.mismatch === null ? null : (JSON.parse(r.mismatch) as AuditProblem),
  mac: r.mac,
});
const signedFields = (h: Omit<Head, 'mac'>) => ({ format: 'kefu-audit-head/pg1', seq: h.seq, hash: h.hash, checkpointSeq: h.checkpointSeq, checkpointHash: h.checkpointHash, mismatch: h.mismatch });
const checkpointOf = (h: Head): AuditCheckpoint | null => (h.checkpointSeq === 0 ? null : { seq: h.checkpointSeq, hash: h.checkpointHash });

/**
 * The audit log of a cluster: one hash chain in PostgreSQL that every node appends to, each
 * append holding the head row's lock, so `kefu audit verify` on any node walks every node's
 * entries. Entries carry the audit key's MAC (`v: 2`) from the first one; the head row is signed
 * with the key instead of mirrored to a head file (a file on one node would only see that
 * node's appends). Someone who can write the database but has not the key cannot cut the tail
 * and fix the head, nor rewrite entries; what stays possible is putting back an older copy of
 * the whole database, which the signed checkpoints in the nodes' logs catch.
 */
export async function createPostgresAuditLog(options: PostgresAuditLogOptions): Promise<AuditLog> {
  const log = new PostgresAuditLog(options);
  await log.open(options.refuseForeignKey ?? true);
  return log;
}

class PostgresAuditLog implements AuditLog {
  readonly #pool: pg.Pool;
  readonly #schema: string | undefined;
  readonly #sql: ReturnType<typeof auditStatements>;
  readonly #keys: AuditKeys;
  readonly #now: () => number;
  readonly #checkpoints: NonNullable<PostgresAuditLogOptions['checkpoints']> | null;
  #timer: ReturnType<typeof setInterval> | null = null;
  #lastCheckpointSeq = 0;
  #closed = false;

  constructor(options: PostgresAuditLogOptions) {
    this.#pool = options.pool;
    this.#schema = options.schema;
    this.#sql = auditStatements(options.schema);
    this.#keys = deriveAuditKeys(options.key);
    this.#now = options.now ?? Date.now;
    this.#checkpoints = options.checkpoints ?? null;
  }

  async open(refuseForeignKey: boolean): Promise<void> {
    await runPostgresMigrations(this.#pool, postgresAuditMigrations, { table: 'audit_schema_migrations', ...(this.#schema === undefined ? {} : { schema: this.#schema }) });
    const genesis = { seq: 0, hash: GENESIS_HASH, checkpointSeq: 0, checkpointHash: GENESIS_HASH, mismatch: null };
    await this.#query(this.#sql.initHead, [GENESIS_HASH, macOf(this.#keys.head, signedFields(genesis)), this.#now()]);
    const head = await this.#head(this.#pool);
    if (refuseForeignKey && head !== null && this.#headProblem(head) !== null) {
      throw new KefuError('audit_key_mismatch', 'The shared audit log in PostgreSQL is signed with another key: every node must have the same KEFU_AUDIT_KEY (or its head row was edited outside Kefu: run kefu audit verify)', { status: 500 });
    }
    if (this.#checkpoints === null) return;
    await this.#emitCheckpoint();
    this.#timer = setInterval(() => void this.#emitCheckpoint(), this.#checkpoints.everyMs);
    this.#timer.unref();
  }

  async append(input: AuditInput): Promise<AuditEntry> {
    this.#checkOpen();
    const clean = normaliseAuditInput(input);
    // Every node's appends queue on the head row's lock, held from the SELECT … FOR UPDATE to the COMMIT.
    const entry = await this.#transaction(async (client) => {
      const head = await this.#lockedHead(client);
      const at = this.#now();
      const built = buildAuditEntry(clean, head.seq + 1, new Date(at).toISOString(), head.hash, this.#keys.entry);
      // A head found edited stays on record in every later head, so more appends cannot hide it.
      const mismatch = head.mismatch ?? this.#found(head, `the append of entry ${built.seq} at ${built.at}`);
      await client.query(this.#sql.appendWrite, [...insertValues(toAuditRow(built)), ...this.#headValues(Object.assign({}, head, { seq: built.seq, hash: built.hash, mismatch }), at)]);
      return built;
    });
    if (this.#checkpoints !== null && entry.seq - this.#lastCheckpointSeq >= this.#checkpoints.everyEntries) void this.#emitCheckpoint();
    return entry;
  }

  async verify(onProgress?: (done: number, total: number) => void): Promise<AuditVerification> {
    this.#checkOpen();
    // One snapshot: appends by other nodes meanwhile neither block the walk nor show up half-done.
    return this.#transaction(async (client) => {
      const stats = (await client.query<{ n: string; first: string | null; last: string | null }>(this.#sql.stats)).rows[0]!;
      const head = await this.#head(client);
      const total = Number(stats.n);
      const summary = { entries: total, firstSeq: stats.first === null ? null : Number(stats.first), lastSeq: stats.last === null ? null : Number(stats.last), headHash: head !== null && head.seq > 0 ? head.hash : null, checkpoint: head === null ? null : checkpointOf(head) };
      if (head === null) return { ok: false, ...summary, problem: { seq: 0, kind: 'checkpoint_mismatch', detail: 'the audit_head row is missing: it was deleted outside Kefu' } };
      const problem = this.#headProblem(head) ?? (await this.#walk(client, head, head.seq, (done) => {
        if (onProgress !== undefined && done % PROGRESS_EVERY === 0) onProgress(done, total);
      }));
      if (problem !== null) return { ok: false, ...summary, problem };
      onProgress?.(total, total);
      return { ok: true, ...summary };
    }, 'REPEATABLE READ READ ONLY');
  }

  export(options: { fromSeq?: number; toSeq?: number } = {}): AsyncIterable<AuditEntry> {
    this.#checkOpen();
    const { from, to } = auditExportRange(options);
    return this.#pages(from, to);
  }

  async prune(olderThanMs: number): Promise<{ removed: number; checkpoint: AuditCheckpoint | null }> {
    this.#checkOpen();
    if (!Number.isSafeInteger(olderThanMs) || olderThanMs < 0) throw new KefuError('invalid_argument', 'olderThanMs must be an integer ≥ 0', { status: 400 });
    const now = this.#now();
    return this.#transaction(async (client) => {
      const head = await this.#lockedHead(client);
      const young = (await client.query<{ seq: string }>(this.#sql.firstAtOrAfter, [new Date(now - olderThanMs).toISOString()])).rows[0];
      const upTo = young === undefined ? head.seq : Number(young.seq) - 1;
      if (upTo <= head.checkpointSeq) return { removed: 0, checkpoint: checkpointOf(head) };
      // Never delete evidence: the part to be pruned must verify first.
      const walked = { tail: { seq: head.checkpointSeq, hash: head.checkpointHash } };
      const problem = this.#headProblem(head) ?? (await this.#walk(client, head, upTo, () => {}, walked));
      if (problem !== null) throw new KefuError('audit_broken', `audit log broken at seq ${problem.seq}: ${problem.detail}; nothing was pruned`, { status: 409 });
      const removed = (await client.query(this.#sql.deleteUpTo, [upTo])).rowCount ?? 0;
      await this.#setHead(client, Object.assign({}, head, { checkpointSeq: upTo, checkpointHash: walked.tail.hash }), now);
      return { removed, checkpoint: { seq: upTo, hash: walked.tail.hash } };
    });
  }

  async signedCheckpoint(): Promise<SignedAuditCheckpoint | null> {
    this.#checkOpen();
    const head = await this.#head(this.#pool);
    return head === null || head.seq === 0 ? null : signCheckpoint(this.#keys, head, this.#now());
  }

  async verifyCheckpoint(checkpoint: unknown): Promise<AuditProblem | null> {
    this.#checkOpen();
    return this.#transaction(async (client) => {
      const head = await this.#head(client);
      if (head === null) return { seq: 0, kind: 'checkpoint_mismatch', detail: 'the audit_head row is missing: it was deleted outside Kefu' };
      return checkpointProblem(this.#keys, checkpoint, head, async (seq) => (await client.query<{ hash: string }>(this.#sql.hashOf, [seq])).rows[0]?.hash ?? null);
    }, 'REPEATABLE READ READ ONLY');
  }

  async close(): Promise<void> {
    if (this.#closed) return;
    if (this.#timer !== null) clearInterval(this.#timer);
    await this.#emitCheckpoint();
    this.#closed = true;
  }

  /** Walks entries after the checkpoint up to `upTo`; for the whole log (`upTo` = head) the tail must be the head. */
  async #walk(client: Client, head: Head, upTo: number, progress: (done: number) => void, out?: { tail: AuditCheckpoint }): Promise<AuditProblem | null> {
    const walker = new AuditChainWalker({ seq: head.checkpointSeq, hash: head.checkpointHash }, { entryKey: this.#keys.entry, keyedFrom: 1 });
    let done = 0;
    for (let next = 0; ; ) {
      const rows = (await client.query<PgAuditRow>(this.#sql.page, [next, upTo, PAGE_SIZE])).rows;
      for (const row of rows) {
        let entry: AuditEntry;
        try {
          entry = fromAuditRow(toSqliteShape(row));
        } catch {
          return { seq: Number(row.seq), kind: 'hash_mismatch', detail: `entry ${row.seq} has damaged JSON in sources, guard or meta: it was edited` };
        }
        const problem = walker.check(entry);
        if (problem !== null) return problem;
        progress(++done);
      }
      if (rows.length < PAGE_SIZE) break;
      next = Number(rows.at(-1)!.seq) + 1;
    }
    if (out !== undefined) out.tail = walker.tail;
    return tailProblem(walker.tail, Object.assign({}, head, { seq: upTo, hash: upTo === head.seq ? head.hash : walker.tail.hash }));
  }

  #headProblem(head: Head): AuditProblem | null {
    if (!macMatches(this.#keys.head, signedFields(head), head.mac)) {
      return { seq: head.seq, kind: 'checkpoint_mismatch', detail: `the audit_head row (entry ${head.seq}) is not signed with this audit key: it was edited outside Kefu, or KEFU_AUDIT_KEY differs from the other nodes'` };
    }
    return head.mismatch;
  }

  #found(head: Head, when: string): AuditProblem | null {
    const problem = this.#headProblem(head);
    return problem === null ? null : Object.assign({}, problem, { detail: `${problem.detail} (found by ${when})` });
  }

  async #setHead(client: Client, head: Omit<Head, 'mac'>, at: number): Promise<void> {
    await client.query(this.#sql.setHead, this.#headValues(head, at));
  }

  /** The head row's values, signed, in `setHead`'s order. */
  #headValues(head: Omit<Head, 'mac'>, at: number): unknown[] {
    const mac = macOf(this.#keys.head, signedFields(head));
    return [head.seq, head.hash, head.checkpointSeq, head.checkpointHash, head.mismatch === null ? null : JSON.stringify(head.mismatch), mac, at];
  }

  async #head(client: Client): Promise<Head | null> {
    const row = (await client.query<PgHeadRow>(this.#sql.head)).rows[0];
    return row === undefined ? null : headOf(row);
  }

  async #lockedHead(client: Client): Promise<Head> {
    const row = (await client.query<PgHeadRow>(this.#sql.lockHead)).rows[0];
    if (row === undefined) throw new KefuError('audit_broken', 'audit log broken: the audit_head row is missing', { status: 500 });
    return headOf(row);
  }

  async *#pages(from: number, to: number): AsyncGenerator<AuditEntry> {
    for (let next = from; ; ) {
      this.#checkOpen();
      const rows = (await this.#query<PgAuditRow>(this.#sql.page, [next, to, PAGE_SIZE])).rows;
      for (const row of rows) yield readRow(row);
      if (rows.length < PAGE_SIZE) return;
      next = Number(rows.at(-1)!.seq) + 1;
    }
  }

  async #emitCheckpoint(): Promise<void> {
    if (this.#closed || this.#checkpoints == null) return;
    try {
      const checkpoint = await this.signedCheckpoint();
      if (checkpoint === null || checkpoint.seq === this.#lastCheckpointSeq) return;
      this.#lastCheckpointSeq = checkpoint.seq;
      this.#checkpoints.emit(checkpoint);
    } catch {
      // A checkpoint is a copy for outside the host; the log itself is unaffected.
    }
  }

  async #query<R extends pg.QueryResultRow = pg.QueryResultRow>(text: string, values: unknown[] = []): Promise<pg.QueryResult<R>> {
    try {
      return await this.#pool.query<R>(text, values);
    } catch (error) {
      throw translatePgError(error);
    }
  }

  #transaction<T>(work: (client: pg.PoolClient) => Promise<T>, mode = 'READ COMMITTED'): Promise<T> {
    return withTransaction(this.#pool, work, { begin: `ISOLATION LEVEL ${mode}` });
  }

  #checkOpen(): void {
    if (this.#closed) throw new KefuError('audit_closed', 'the audit log is closed', { status: 503 });
  }
}

function readRow(row: PgAuditRow): AuditEntry {
  try {
    return fromAuditRow(toSqliteShape(row));
  } catch (cause) {
    throw new KefuError('audit_broken', `audit log broken at seq ${row.seq}: damaged JSON in sources, guard or meta; run kefu audit verify`, { status: 500, cause });
  }
}

/** The walk's end against the head row: entries cut from the end, added past it, or the last rewritten. */
function tailProblem(tail: AuditCheckpoint, head: { seq: number; hash: string }): AuditProblem | null {
  if (tail.seq < head.seq) {
    const missing = head.seq - tail.seq > 1 ? `entries ${tail.seq + 1}–${head.seq} are` : `entry ${head.seq} is`;
    return { seq: tail.seq + 1, kind: 'checkpoint_mismatch', detail: `audit_head records entry ${head.seq} but the log ends at entry ${tail.seq}: ${missing} missing from the end` };
  }
  if (tail.seq > head.seq) return { seq: head.seq + 1, kind: 'checkpoint_mismatch', detail: `the log runs on past the head in audit_head (entry ${head.seq}) to entry ${tail.seq}: entries were added outside Kefu` };
  if (tail.hash !== head.hash) return { seq: tail.seq, kind: 'checkpoint_mismatch', detail: `audit_head and entry ${tail.seq} disagree on its hash: the end of the log was rewritten` };
  return null;
}
