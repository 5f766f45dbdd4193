import type Database from 'better-sqlite3';

/** Runs a write so that a lock another process holds fails it at once with SQLITE_BUSY. */
export type FailFast = <T>(run: () => T) => T;

/**
 * `run` with the connection's busy timeout at zero, put back after: a write lock another process
 * holds fails the `BEGIN IMMEDIATE` that wants it with SQLITE_BUSY at once, instead of SQLite's
 * busy handler sleeping 1, 2, 5, 10… ms with the event loop stopped. Under load with
 * `--workers 2`, the two workers met at kefu.db's and audit.db's write locks about 60 times a
 * second, each meeting a blocked loop of a millisecond or more (issue 16.5). The caller waits on a
 * timer instead (`createGroupCommit`), serving other requests meanwhile.
 */
export function failFastWhenBusy(db: Database.Database): FailFast {
  // Read once: Kefu sets a connection's busy timeout when it opens it, never after. Set through
  // `db.exec` each time, not a statement prepared once: SQLite applies busy_timeout when the
  // PRAGMA is prepared, so a prepared one would not set it again; and not `db.pragma`, which
  // builds a Statement object for it (5.4 µs a pair against 0.9, once per group commit per file).
  let timeout: number | undefined;
  return (run) => {
    timeout ??= Math.trunc(Number(db.pragma('busy_timeout', { simple: true })));
    if (timeout === 0) return run();
    db.exec('PRAGMA busy_timeout = 0');
    try {
      return run();
    } finally {
      db.exec(`PRAGMA busy_timeout = ${timeout}`);
    }
  };
}

/** SQLITE_BUSY or one of its extended codes (better-sqlite3's `SqliteError.code`). */
export function isBusy(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' && code.startsWith('SQLITE_BUSY');
}
