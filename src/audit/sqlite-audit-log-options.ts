import type { SignedAuditCheckpoint } from '../contracts/audit-log.ts';

/** How `createSqliteAuditLog` (audit-log.ts) opens its file. */
export interface SqliteAuditLogOptions {
  /** Its own database file (`<dataDir>/audit.db`); parent folders are created. */
  path: string;
  /** Epoch ms for `at` and for retention; injectable for tests. Default `Date.now`. */
  now?: () => number;
  /**
   * Mirror the head to `<path>.head` (written to a temporary file, then renamed) inside each
   * write transaction, and check it when verifying. Default true for a file, false for `:memory:`.
   * The rename costs about a millisecond per append on ext4.
   */
  headFile?: boolean;
  /**
   * 0 (default): the head file is rewritten inside every append. More: it is rewritten at most
   * this many ms after an append, once for all the appends in between, so a busy server pays the
   * rename once per batch instead of once per reply. The chain itself is committed with each
   * append either way; what a delay gives up is the outside anchor for the newest entries: a
   * crash (or someone deleting rows) within that window leaves a head file that lags the log,
   * and a lagging file that still points at an entry of the chain is accepted as a crash's lag.
   */
  headFileDelayMs?: number;
  /** `normal` (default): an append survives a process crash; `full`: also a power cut, for ~1 ms more. */
  synchronous?: 'normal' | 'full';
  /** How long a write waits for another process's lock (ms). Default 5000. */
  busyTimeoutMs?: number;
  /**
   * The audit key (32 bytes, kept outside the data dir): new entries carry its MAC instead of a
   * plain hash, the head file is signed, and signed checkpoints can be made. Null: unkeyed.
   */
  key?: Buffer | null;
  /**
   * The signed "keyed from entry N" marker beside the key (see `keyed-from-marker.ts`). Null (or
   * absent): kept in memory only, for tests and copies.
   */
  keyedFromPath?: string | null;
  /** Write a missing marker (a server). False for a reader such as `kefu audit verify`. Default true. */
  writeKeyedFrom?: boolean;
  /** Signed checkpoints handed to `emit` (the server logs them) at open, every so many entries or ms, and at close. */
  checkpoints?: { everyEntries: number; everyMs: number; emit(checkpoint: SignedAuditCheckpoint): void };
}
