import { setImmediate, setTimeout } from 'node:timers';
import type Database from 'better-sqlite3';
import { isBusy, type FailFast } from './fail-fast-when-busy.ts';

/** What one member of a group came to: its result, or the error that failed only it. */
export type GroupOutcome<R> = { ok: true; value: R } | { ok: false; error: unknown };

/** Writes queued until the end of the event loop's turn, then committed together. */
export interface GroupCommit<T, R> {
  /** Queues a write; settles once the transaction that holds it has committed (or with its own error). */
  add(item: T): Promise<R>;
  /** Commits what is queued now, synchronously: called before any other use of the database, so writes keep their call order. */
  flush(): void;
}

export interface GroupCommitOptions {
  /**
   * Runs a scheduled commit so that a write lock another process holds fails it at once
   * (`failFastWhenBusy`): the group then waits on a timer, not in SQLite's busy handler with the
   * event loop stopped. `flush()` still waits in SQLite: its caller needs the writes now.
   */
  failFast?: FailFast;
}

/** How long a group waits on the event loop for a lock before it waits in SQLite's busy handler. */
const MAX_NONBLOCKING_WAIT_MS = 1000;

/**
 * Group commit (issue 16): writes that arrive within one turn of the event loop — the turns of
 * concurrent customers finish in the same I/O phase — share one transaction and one commit,
 * instead of a BEGIN IMMEDIATE, a WAL append and a commit each. `commit` runs every member in
 * order inside that transaction (plainly, or each in a savepoint once one has failed:
 * `commitGroup`) and returns an outcome per member; if it throws, nothing was committed and
 * every member fails with its error. A caller's promise settles only after that commit, so
 * durability is as before.
 *
 * The flush is a `setImmediate` from node:timers (fake timers replace the global one only): it
 * runs after the I/O callbacks of this loop turn, which is what lets concurrent requests meet.
 */
export function createGroupCommit<T, R>(commit: (items: readonly T[]) => readonly GroupOutcome<R>[], options: GroupCommitOptions = {}): GroupCommit<T, R> {
  let pending: { item: T; resolve: (value: R) => void; reject: (error: unknown) => void }[] = [];
  let scheduled = false;
  /** Tries of the queued group that found the write lock taken, and when the first of them was. */
  let busyTries = 0;
  let busySince = 0;

  /** Commits what is queued; `false` when `failFast` found the lock taken and left it queued. */
  function commitPending(failFast: FailFast | undefined): boolean {
    if (pending.length === 0) return true;
    const batch = pending;
    pending = [];
    const items = batch.map((p) => p.item);
    let outcomes: readonly GroupOutcome<R>[];
    try {
      outcomes = failFast === undefined ? commit(items) : failFast(() => commit(items));
    } catch (error) {
      // BEGIN IMMEDIATE is what meets a taken lock: nothing of the group ran, so it can go again.
      if (failFast !== undefined && isBusy(error)) {
        pending = batch.concat(pending);
        return false;
      }
      for (const p of batch) p.reject(error);
      return true;
    }
    batch.forEach((p, i) => {
      const outcome = outcomes[i];
      if (outcome === undefined) p.reject(new Error('group commit returned no outcome for a member'));
      else if (outcome.ok) p.resolve(outcome.value);
      else p.reject(outcome.error);
    });
    return true;
  }

  function flush(): void {
    commitPending(undefined);
  }

  /**
   * The scheduled commit. With `failFast`, a lock another process holds sends the group to wait on
   * the event loop (the next check phase, then 1, 2, 4… up to 16 ms), joined by what arrives
   * meanwhile; after `MAX_NONBLOCKING_WAIT_MS` it waits in SQLite's busy handler as before.
   */
  function scheduledFlush(): void {
    if (busyTries === 0) busySince = Date.now();
    const failFast = Date.now() - busySince < MAX_NONBLOCKING_WAIT_MS ? options.failFast : undefined;
    if (commitPending(failFast)) {
      scheduled = false;
      busyTries = 0;
      return;
    }
    busyTries++;
    if (busyTries === 1) setImmediate(scheduledFlush);
    else setTimeout(scheduledFlush, Math.min(2 ** (busyTries - 2), 16));
  }

  return {
    add(item) {
      return new Promise<R>((resolve, reject) => {
        pending.push({ item, resolve, reject });
        if (scheduled) return;
        scheduled = true;
        setImmediate(scheduledFlush);
      });
    },
    flush,
  };
}

/**
 * Inside the group's transaction: runs each member through `run`, a better-sqlite3 transaction
 * function, which nested in a transaction is a SAVEPOINT — a member that throws is rolled back to
 * its savepoint alone and fails alone. If SQLite rolled the whole transaction back (disk full, I/O
 * error), the members before it are gone too: the error is thrown so that every member fails.
 */
export function runMembers<T, R>(db: Database.Database, items: readonly T[], run: (item: T) => R): GroupOutcome<R>[] {
  return items.map((item) => {
    try {
      return { ok: true, value: run(item) };
    } catch (error) {
      if (!db.inTransaction) throw error;
      return { ok: false, error };
    }
  });
}

/** A member of a plain group run failed with the transaction still open: the group is run again with savepoints. */
class MemberFailed extends Error {}

/**
 * Runs a group first without a savepoint per member (`plain`: a transaction whose members go
 * through `runPlainly`), since nearly every group's members all succeed and a SAVEPOINT and RELEASE per
 * member were a visible part of a turn's write (issue 16). If a member throws with the
 * transaction still open, `plain` rolls the whole transaction back and `withSavepoints` (a
 * transaction whose members go through `runMembers`) runs the group again: the members are the same writes on the same
 * database, so the second run ends as one with savepoints from the start would have, the failed
 * member alone failing. An error that ended the transaction fails every member, as in `runMembers`.
 */
export function commitGroup<R>(plain: () => R[], withSavepoints: () => GroupOutcome<R>[]): GroupOutcome<R>[] {
  let values: R[];
  try {
    values = plain();
  } catch (error) {
    if (error instanceof MemberFailed) return withSavepoints();
    throw error;
  }
  return values.map((value) => ({ ok: true, value }));
}

/** Inside `commitGroup`'s plain transaction: each member through `run` (not a transaction function: no savepoint). */
export function runPlainly<T, R>(db: Database.Database, items: readonly T[], run: (item: T) => R): R[] {
  return items.map((item) => {
    try {
      return run(item);
    } catch (error) {
      if (!db.inTransaction) throw error;
      throw new MemberFailed('a member of the group failed', { cause: error });
    }
  });
}
