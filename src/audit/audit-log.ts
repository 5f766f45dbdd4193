import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import Database from 'better-sqlite3';
import { KefuError } from '../errors.ts';
import { migrateComponent } from '../queue/component-migrations.ts';
import { AuditChainWalker } from './audit-chain.ts';
import { auditRowValues, buildAuditEntry, fromAuditRow, normaliseAuditInput, toAuditRow, type AuditRow } from './audit-entry.ts';
import { auditExportRange } from './audit-export-range.ts';
import { deriveAuditKeys, macMatches, macOf, type AuditKeys } from './audit-keys.ts';
import { auditMigrations } from './audit-migrations.ts';
import type { AuditCheckpoint, AuditEntry, AuditInput, AuditProblem, AuditVerification, SignedAuditCheckpoint } from '../contracts/audit-log.ts';
import type { SyncAuditLog } from './sync-audit-log.ts';
import { anchorProblem, readHeadFile, writeHeadFile, type AuditHeadState } from './head-file.ts';
import { readKeyedFrom, writeKeyedFrom } from './keyed-from-marker.ts';
import type { SqliteAuditLogOptions } from './sqlite-audit-log-options.ts';
import { checkpointOf, prepare, readPages, type Statements } from './sqlite-audit-statements.ts';
import type { GroupOutcome } from '../store/sqlite/group-commit.ts';
import { appendTransactions } from './audit-append-group.ts';
import { failFastWhenBusy, type FailFast } from '../store/sqlite/fail-fast-when-busy.ts';

/**
 * The tamper-evident audit log: an append-only table in its own SQLite file, each entry carrying
 * the SHA-256 of its canonical JSON (see `audit-hash.ts`) and the hash of the entry before it.
 *
 * What verification catches: an edited entry (its hash no longer matches), a deleted entry (a
 * seq gap), reordered entries (seq and link mismatch), an entry rewritten with a recomputed hash
 * (the next entry's link breaks), and a truncated tail, through two anchors outside the entries:
 * the `audit_head` row, updated in the same transaction as each append, and the head file
 * `<path>.head`. Someone who deletes the last rows and fixes `audit_head` too is caught by the
 * head file; an append that finds the head file disagreeing with the database records the
 * disagreement in the file for good, so later appends cannot paper over it.
 *
 * What it cannot catch: anyone who can rewrite the database and the head file together can
 * rebuild a consistent chain (true of any log kept on the machine it protects). The remedy is to
 * export regularly to write-once storage (or to a party outside the host) and compare heads.
 * After a power cut with `synchronous: 'normal'`, or a crash between the head file's rename and
 * the commit, the head file can be ahead of the database: verification then reports the lost
 * entries, which is the truth (they are gone); once investigated, deleting the head file lets
 * the next append start a new one.
 *
 * Retention: `prune` checks the entries it is about to delete, deletes them, and keeps the seq and
 * hash of the last one as the checkpoint verification starts from.
 */
export function createSqliteAuditLog(options: SqliteAuditLogOptions): SyncAuditLog {
  return new SqliteAuditLog(options);
}

const PROGRESS_EVERY = 1000;

class SqliteAuditLog implements SyncAuditLog {
  readonly #db: Database.Database;
  readonly #sql: Statements;
  readonly #now: () => number;
  readonly #headPath: string | null;
  readonly #headDelayMs: number;
  /** The transaction functions of one append and of several (audit-append-group.ts), built once: per call they showed in profiles. */
  readonly #appends: ReturnType<typeof appendTransactions>;
  readonly failFast: FailFast;
  /** A head-file rewrite waiting for the delay (delayed mode only). */
  #headTimer: ReturnType<typeof setTimeout> | null = null;
  /** Why the last delayed rewrite failed; the next append retries it and fails if it still does. */
  #headError: unknown = null;
  #closed = false;
  readonly #keys: AuditKeys | null;
  /** Entries from this seq on must be keyed (infinity without a key). */
  readonly #keyedFrom: number;
  /** A marker that did not verify: reported by every verification. */
  readonly #markerProblem: AuditProblem | null;
  readonly #checkpoints: NonNullable<SqliteAuditLogOptions['checkpoints']> | null;
  #checkpointTimer: ReturnType<typeof setInterval> | null = null;
  #lastCheckpointSeq = 0;

  constructor(options: SqliteAuditLogOptions) {
    const memory = options.path === ':memory:';
    if (!memory) mkdirSync(dirname(options.path), { recursive: true });
    this.#db = new Database(options.path, { timeout: options.busyTimeoutMs ?? 5000 });
    try {
      this.#db.pragma('journal_mode = WAL');
      this.#db.pragma('secure_delete = ON'); // deleted rows are zeroed in the file (docs/privacy.md)
      this.#db.pragma(`synchronous = ${options.synchronous === 'full' ? 'FULL' : 'NORMAL'}`);
      migrateComponent(this.#db, 'audit_log', auditMigrations);
      this.#sql = prepare(this.#db);
      this.failFast = failFastWhenBusy(this.#db);
    } catch (err) {
      this.#db.close();
      throw err;
    }
    this.#now = options.now ?? Date.now;
    this.#headPath = (options.headFile ?? !memory) && !memory ? `${options.path}.head` : null;
    const delay = options.headFileDelayMs ?? 0;
    if (!Number.isSafeInteger(delay) || delay < 0) throw new KefuError('invalid_argument', 'headFileDelayMs must be an integer ≥ 0', { status: 500 });
    this.#headDelayMs = delay;
    this.#keys = options.key === undefined || options.key === null ? null : deriveAuditKeys(options.key);
    const keying = this.#keying(options);
    this.#keyedFrom = keying.keyedFrom;
    this.#markerProblem = keying.problem;
    this.#checkpoints = this.#keys === null ? null : (options.checkpoints ?? null);
    this.#appends = appendTransactions(this.#db, {
      head: () => this.#head(),
      insert: (clean, previous) => {
        const at = this.#now();
        const entry = buildAuditEntry(clean, previous.seq + 1, new Date(at).toISOString(), previous.hash, this.#keys?.entry ?? null);
        this.#sql.insert.run(...auditRowValues(toAuditRow(entry)));
        return { entry, at };
      },
      setHead: (seq, hash, at) => this.#sql.setHead.run(seq, hash, at),
      mirror: (before, after, when) => this.#mirror(before, after, when),
    });
    if (this.#checkpoints !== null) {
      this.#emitCheckpoint();
      this.#checkpointTimer = setInterval(() => this.#emitCheckpoint(), this.#checkpoints.everyMs);
      this.#checkpointTimer.unref();
    }
  }

  /**
   * Where keyed entries begin: the signed marker if there is one; else the first keyed entry
   * (the marker was lost), else the next entry (the log is keyed from now on), written down.
   */
  #keying(options: SqliteAuditLogOptions): { keyedFrom: number; problem: AuditProblem | null } {
    if (this.#keys === null) return { keyedFrom: Number.POSITIVE_INFINITY, problem: null };
    const path = options.keyedFromPath ?? null;
    const read = path === null ? ({ state: 'missing' } as const) : readKeyedFrom(path, this.#keys.marker);
    if (read.state === 'ok') return { keyedFrom: read.keyedFrom, problem: null };
    if (read.state === 'invalid') return { keyedFrom: 1, problem: { seq: 1, kind: 'checkpoint_mismatch', detail: `the keyed-from marker is not valid: ${read.reason}` } };
    const keyedFrom = this.#sql.firstKeyed.get()?.seq ?? this.#head().seq + 1;
    if (path === null || options.writeKeyedFrom === false) return { keyedFrom, problem: null };
    const written = writeKeyedFrom(path, keyedFrom, this.#keys.marker);
    return written.state === 'ok' ? { keyedFrom: written.keyedFrom, problem: null } : { keyedFrom: 1, problem: { seq: 1, kind: 'checkpoint_mismatch', detail: `the keyed-from marker is not valid: ${written.state === 'invalid' ? written.reason : 'missing'}` } };
  }

  #emitCheckpoint(): void {
    if (this.#closed || this.#checkpoints === null) return;
    try {
      const checkpoint = this.signedCheckpoint();
      if (checkpoint === null || checkpoint.seq === this.#lastCheckpointSeq) return;
      this.#lastCheckpointSeq = checkpoint.seq;
      this.#checkpoints.emit(checkpoint);
    } catch {
      // A checkpoint is a copy for outside the host; the log itself is unaffected.
    }
  }

  signedCheckpoint(): SignedAuditCheckpoint | null {
    this.#checkOpen();
    if (this.#keys === null) return null;
    const head = this.#head();
    if (head.seq === 0) return null;
    const fields = { format: 'kefu-audit-checkpoint/1' as const, seq: head.seq, hash: head.hash, at: new Date(this.#now()).toISOString() };
    return Object.assign({}, fields, { mac: macOf(this.#keys.checkpoint, fields) });
  }

  verifyCheckpoint(checkpoint: unknown): AuditProblem | null {
    this.#checkOpen();
    const c = checkpoint as Partial<SignedAuditCheckpoint> | null;
    const shaped = typeof c === 'object' && c !== null && c.format === 'kefu-audit-checkpoint/1' && Number.isSafeInteger(c.seq) && (c.seq ?? 0) >= 1 && typeof c.hash === 'string' && typeof c.at === 'string';
    if (!shaped) throw new KefuError('invalid_checkpoint', 'a checkpoint is the JSON object of an "audit checkpoint" log line: {format, seq, hash, at, mac}', { status: 400 });
    const { seq, hash, at } = c as SignedAuditCheckpoint;
    if (this.#keys === null) throw new KefuError('audit_key_missing', 'checking a checkpoint needs the audit key: set KEFU_AUDIT_KEY, or KEFU_KEY_DIR to the folder holding audit.key', { status: 409 });
    if (!macMatches(this.#keys.checkpoint, { format: c.format, seq, hash, at }, c.mac)) {
      return { seq, kind: 'checkpoint_mismatch', detail: `the checkpoint of entry ${seq} (${at}) is not signed by this log's audit key: it was forged or edited, or belongs to another log` };
    }
    return this.#db.transaction((): AuditProblem | null => {
      const head = this.#head();
      if (seq > head.seq) {
        return { seq: head.seq + 1, kind: 'checkpoint_mismatch', detail: `a checkpoint signed at ${at} records entry ${seq} but the log ends at entry ${head.seq}: entries were removed, or the log was restored from an older copy` };
      }
      // Pruned past it: nothing left to compare, except the prune checkpoint itself.
      if (seq < head.checkpointSeq) return null;
      const held = seq === head.checkpointSeq ? head.checkpointHash : (this.#sql.hashOf.get(seq)?.hash ?? null);
      if (held === null) return { seq, kind: 'gap', detail: `entry ${seq}, signed in a checkpoint at ${at}, is missing` };
      if (held !== hash) return { seq, kind: 'checkpoint_mismatch', detail: `entry ${seq} is not the one a checkpoint signed at ${at}: the log was rewritten from there or earlier` };
      return null;
    })();
  }

  append(input: AuditInput): AuditEntry {
    this.#checkOpen();
    const clean = normaliseAuditInput(input);
    const delayed = this.#headPath !== null && this.#headDelayMs > 0;
    // A head file that could not be written stops appends, as it does without a delay: retry first.
    if (delayed && this.#headError !== null) this.#flushHead();
    const entry = this.#appends.one.immediate(clean, !delayed);
    this.#appended(entry.seq, delayed);
    return entry;
  }

  appendAll(inputs: readonly AuditInput[]): GroupOutcome<AuditEntry>[] {
    this.#checkOpen();
    const delayed = this.#headPath !== null && this.#headDelayMs > 0;
    if (delayed && this.#headError !== null) this.#flushHead();
    const outcomes = this.#appends.group(inputs, !delayed);
    const last = outcomes.findLast((o) => o.ok);
    if (last?.ok === true) this.#appended(last.value.seq, delayed);
    return outcomes;
  }

  /** After a commit that took the log to entry `seq`: a checkpoint when due, the delayed head-file rewrite. */
  #appended(seq: number, delayed: boolean): void {
    if (this.#checkpoints !== null && seq - this.#lastCheckpointSeq >= this.#checkpoints.everyEntries) this.#emitCheckpoint();
    if (delayed && this.#headTimer === null) {
      this.#headTimer = setTimeout(() => {
        try {
          this.#flushHead();
        } catch {
          // kept in #headError: the next append retries and fails with it
        }
      }, this.#headDelayMs);
      this.#headTimer.unref();
    }
  }

  /** Delayed mode: brings the head file up to the database's head now, under the write lock. */
  #flushHead(): void {
    if (this.#headTimer !== null) clearTimeout(this.#headTimer);
    this.#headTimer = null;
    if (this.#headPath === null || this.#closed) return;
    try {
      this.#db
        .transaction(() => {
          const head = this.#head();
          this.#mirror(head, head, `the head-file update at entry ${head.seq}`);
        })
        .immediate();
      this.#headError = null;
    } catch (err) {
      this.#headError = err;
      throw err;
    }
  }

  verify(onProgress?: (done: number, total: number) => void): AuditVerification {
    this.#checkOpen();
    // This process's own appends are anchored before they are checked.
    if (this.#headTimer !== null) this.#flushHead();
    // The chain, in one read snapshot: concurrent appends neither block it nor show up half-done.
    const result = this.#db.transaction((): AuditVerification => {
      const stats = this.#sql.stats.get() ?? { n: 0, first: null, last: null };
      const head = this.#sql.head.get();
      const summary = {
        entries: stats.n,
        firstSeq: stats.first,
        lastSeq: stats.last,
        headHash: head !== undefined && head.seq > 0 ? head.hash : null,
        checkpoint: head === undefined ? null : checkpointOf(head),
      };
      if (head === undefined) {
        return { ok: false, ...summary, problem: { seq: 0, kind: 'checkpoint_mismatch', detail: 'the audit_head row is missing: it was deleted outside Kefu' } };
      }
      if (this.#markerProblem !== null) return { ok: false, ...summary, problem: this.#markerProblem };
      const problem = this.#walk(this.#sql.all.iterate(), head, (done) => {
        if (onProgress !== undefined && done % PROGRESS_EVERY === 0) onProgress(done, stats.n);
      });
      if (problem !== null) return { ok: false, ...summary, problem };
      onProgress?.(stats.n, stats.n);
      return { ok: true, ...summary };
    })();
    if (!result.ok || this.#headPath === null) return result;
    // The head file, under the write lock: no append is between its rename and its commit.
    const problem = this.#db.transaction(() => this.#headFileProblem()).immediate();
    return problem === null ? result : Object.assign({}, result, { ok: false, problem });
  }

  export(options: { fromSeq?: number; toSeq?: number } = {}): Iterable<AuditEntry> {
    this.#checkOpen();
    const { from, to } = auditExportRange(options);
    return readPages(this.#sql, from, to, () => this.#checkOpen());
  }

  prune(olderThanMs: number): { removed: number; checkpoint: AuditCheckpoint | null } {
    this.#checkOpen();
    if (!Number.isSafeInteger(olderThanMs) || olderThanMs < 0) throw new KefuError('invalid_argument', 'olderThanMs must be an integer ≥ 0', { status: 400 });
    const now = this.#now();
    const cutoff = new Date(now - olderThanMs).toISOString();
    const prune = this.#db.transaction(() => {
      const head = this.#head();
      const young = this.#sql.firstAtOrAfter.get(cutoff);
      const upTo = young === undefined ? head.seq : young.seq - 1;
      if (upTo <= head.checkpointSeq) return { removed: 0, checkpoint: checkpointOf(head) };
      // Never delete evidence: the part to be pruned must verify first.
      const walker = new AuditChainWalker({ seq: head.checkpointSeq, hash: head.checkpointHash }, this.#keying4walk());
      const problem =
        this.#walk(this.#sql.upTo.iterate(upTo), head, () => {}, walker) ??
        (walker.tail.seq === upTo ? null : { seq: walker.tail.seq + 1, kind: 'gap' as const, detail: `entries ${walker.tail.seq + 1}–${upTo} are missing` });
      if (problem !== null) throw brokenError(problem, '; nothing was pruned');
      const removed = this.#sql.deleteUpTo.run(upTo).changes;
      this.#sql.setCheckpoint.run(upTo, walker.tail.hash, now);
      this.#mirror(head, Object.assign({}, head, { checkpointSeq: upTo, checkpointHash: walker.tail.hash }), `pruning up to entry ${upTo} at ${new Date(now).toISOString()}`);
      return { removed, checkpoint: { seq: upTo, hash: walker.tail.hash } };
    });
    return prune.immediate();
  }

  close(): void {
    if (this.#closed) return;
    if (this.#checkpointTimer !== null) clearInterval(this.#checkpointTimer);
    this.#emitCheckpoint();
    if (this.#headTimer !== null) {
      try {
        this.#flushHead();
      } catch {
        // the file lags the log; verification still accepts a lag that links into the chain
      }
    }
    this.#closed = true;
    this.#db.close();
  }

  /**
   * Feeds rows to a chain walker; null when they all link up. Without a `walker` the rows are the
   * whole table, so the tail must also be the head recorded in `audit_head`.
   */
  #walk(rows: Iterable<AuditRow>, head: AuditHeadState, progress: (done: number) => void, walker?: AuditChainWalker): AuditProblem | null {
    const chain = walker ?? new AuditChainWalker({ seq: head.checkpointSeq, hash: head.checkpointHash }, this.#keying4walk());
    let done = 0;
    for (const row of rows) {
      let entry: AuditEntry;
      try {
        entry = fromAuditRow(row);
      } catch {
        return { seq: row.seq, kind: 'hash_mismatch', detail: `entry ${row.seq} has damaged JSON in sources, guard or meta: it was edited` };
      }
      const problem = chain.check(entry);
      if (problem !== null) return problem;
      progress(++done);
    }
    if (walker !== undefined) return null;
    const tail = chain.tail;
    if (tail.seq < head.seq) {
      const missing = head.seq - tail.seq > 1 ? `entries ${tail.seq + 1}–${head.seq} are` : `entry ${head.seq} is`;
      return { seq: tail.seq + 1, kind: 'checkpoint_mismatch', detail: `audit_head records entry ${head.seq} but the log ends at entry ${tail.seq}: ${missing} missing from the end` };
    }
    if (tail.seq > head.seq) {
      return { seq: head.seq + 1, kind: 'checkpoint_mismatch', detail: `the log runs on past the head in audit_head (entry ${head.seq}) to entry ${tail.seq}: entries were added outside Kefu` };
    }
    if (tail.hash !== head.hash) {
      return { seq: tail.seq, kind: 'checkpoint_mismatch', detail: `audit_head and entry ${tail.seq} disagree on its hash: the end of the log was rewritten` };
    }
    return null;
  }

  #keying4walk(): { entryKey: Buffer | null; keyedFrom: number } {
    return { entryKey: this.#keys?.entry ?? null, keyedFrom: this.#keyedFrom };
  }

  /** A head file without the key's signature where the log is keyed: someone replaced it. */
  #unsignedProblem(read: ReturnType<typeof readHeadFile>, head: AuditHeadState): AuditProblem | null {
    if (this.#keys === null || read.state !== 'ok' || read.signed || head.seq < this.#keyedFrom) return null;
    return { seq: head.seq, kind: 'checkpoint_mismatch', detail: `the head file ${this.#headPath ?? ''} is not signed with the audit key although the log is keyed from entry ${this.#keyedFrom}: it was replaced` };
  }

  #headFileProblem(): AuditProblem | null {
    if (this.#headPath === null) return null;
    const head = this.#head();
    const read = readHeadFile(this.#headPath, this.#keys?.head ?? null);
    if (read.state === 'missing') {
      if (head.seq === 0 && head.checkpointSeq === 0) return null;
      return { seq: head.seq, kind: 'checkpoint_mismatch', detail: `the head file ${this.#headPath} is missing: it was deleted (the next append starts a new one)` };
    }
    if (read.state === 'unreadable') {
      return { seq: head.seq, kind: 'checkpoint_mismatch', detail: `the head file ${this.#headPath} is unreadable (${read.reason})` };
    }
    return read.anchor.mismatch ?? this.#unsignedProblem(read, head) ?? anchorProblem(read.anchor, head, this.#hashAt(head));
  }

  /** The hash of entry `seq` as the log holds it now (the checkpoint's for pruned ones), for a lagging head file. */
  #hashAt(head: AuditHeadState): (seq: number) => string | null {
    return (seq) => (seq === head.checkpointSeq ? head.checkpointHash : (this.#sql.hashOf.get(seq)?.hash ?? null));
  }

  /** Inside a write transaction: rewrites the head file, carrying forward any disagreement found. */
  #mirror(before: AuditHeadState, after: AuditHeadState, when: string): void {
    if (this.#headPath === null) return;
    const read = readHeadFile(this.#headPath, this.#keys?.head ?? null);
    let mismatch: AuditProblem | null = null;
    if (read.state === 'ok') {
      const found = read.anchor.mismatch === null ? (this.#unsignedProblem(read, before) ?? anchorProblem(read.anchor, before, this.#hashAt(before))) : null;
      mismatch = read.anchor.mismatch ?? (found === null ? null : Object.assign({}, found, { detail: `${found.detail} (found by ${when})` }));
    } else if (read.state === 'unreadable') {
      mismatch = { seq: before.seq, kind: 'checkpoint_mismatch', detail: `the head file was unreadable (${read.reason}) (found by ${when})` };
    }
    writeHeadFile(this.#headPath, Object.assign({}, after, { mismatch }), this.#keys?.head ?? null);
  }

  #head(): AuditHeadState {
    const head = this.#sql.head.get();
    if (head === undefined) throw new KefuError('audit_broken', 'audit log broken: the audit_head row is missing', { status: 500 });
    return head;
  }

  #checkOpen(): void {
    if (this.#closed) throw new KefuError('audit_closed', 'the audit log is closed', { status: 503 });
  }
}

/** `audit log broken at seq N: …`, the error `kefu audit` and `prune` fail with. */
export function brokenError(problem: AuditProblem, suffix = ''): KefuError {
  return new KefuError('audit_broken', `audit log broken at seq ${problem.seq}: ${problem.detail}${suffix}`, { status: 409 });
}
