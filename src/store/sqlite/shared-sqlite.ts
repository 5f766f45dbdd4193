import { mkdirSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import Database from 'better-sqlite3';

/** A hold on the one connection of a database file; `release` closes it when the last holder lets go. */
export interface SharedSqlite {
  readonly db: Database.Database;
  release(): void;
}

interface Entry {
  db: Database.Database;
  holders: number;
}

const open = new Map<string, Entry>();

/**
 * The connection every store of one conversation database (kefu.db: transcripts, handoffs,
 * outcomes, API keys) shares in this process (issue 16). One connection instead of one per
 * store: a write on one no longer makes the next read on another re-check the WAL index, and a
 * turn's writes can go in one transaction. better-sqlite3 runs every statement synchronously, so
 * stores on one connection never interleave inside a transaction. `:memory:` is never shared:
 * each one is its own database.
 *
 * Settings are the file's, not a store's: WAL, synchronous NORMAL (a commit reaches the WAL
 * without an fsync; a power cut may lose the last commits, never corrupts — what every store of
 * the file already ran with: the conversation store and outcome tracker set it, and better-sqlite3
 * opens a file already in WAL mode with NORMAL; docs/decisions.md), foreign keys on, and deleted
 * rows zeroed in the file (secure_delete, docs/privacy.md). The busy timeout is the first opener's.
 */
export function openSharedSqlite(path: string, options: { busyTimeoutMs?: number } = {}): SharedSqlite {
  const timeout = options.busyTimeoutMs ?? 5000;
  if (path === ':memory:') {
    const db = configure(new Database(path, { timeout }));
    return { db, release: () => db.open && db.close() };
  }
  const key = resolve(path);
  let entry = open.get(key);
  if (entry === undefined || !entry.db.open) {
    mkdirSync(dirname(key), { recursive: true });
    entry = { db: configure(new Database(key, { timeout })), holders: 0 };
    open.set(key, entry);
  }
  entry.holders += 1;
  const held = entry;
  let released = false;
  return {
    db: held.db,
    release() {
      if (released) return;
      released = true;
      held.holders -= 1;
      if (held.holders > 0) return;
      if (open.get(key) === held) open.delete(key);
      if (held.db.open) held.db.close();
    },
  };
}

function configure(db: Database.Database): Database.Database {
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = NORMAL');
  db.pragma('foreign_keys = ON');
  db.pragma('secure_delete = ON');
  return db;
}
