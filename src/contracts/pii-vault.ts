import type { PiiType } from '../safety/pii/pii-types.ts';

/** One session's pseudonyms: `[PHONE_1]` stands for the same number all through the session. */
export interface PiiVault {
  /** The pseudonym for a value, the same one each time the session sees an equal value. */
  pseudonym(type: PiiType, value: string): string;
  /** The original behind `[PHONE_1]` (brackets optional), or null if this session has none. */
  reveal(pseudonym: string): string | null;
  /** Replaces every pseudonym of this session in `text` by its original; unknown ones stay. */
  revealAll(text: string): string;
}

/**
 * One session's vault opened for a turn. Pseudonyms are numbered in memory, synchronously (the
 * PII engine masks without awaiting), and written by `commit`; run masking through
 * `maskWithVault` (src/safety/pii/mask-with-vault.ts), which commits and masks again on a conflict.
 */
export interface SessionVault extends PiiVault {
  /**
   * Writes the pseudonyms assigned since the session was opened or last committed. False when
   * another node committed one of the same pseudonyms for another value first: the vault has
   * reloaded the session, dropped what it had not written, and the caller must mask again.
   */
  commit(): Promise<boolean>;
}

/**
 * Where every session's originals are kept, encrypted: a SQLite file in the data dir on one
 * node, PostgreSQL when KEFU_DATABASE_URL is set (every node reads what another wrote).
 */
export interface PiiVaultStore {
  /**
   * Loads what the session holds; a remote store is read once here, not at each reveal. `fresh`:
   * the session was created by this request under a random id, so nothing can be stored for it
   * yet and a remote store skips the read (a commit that collides still reloads).
   */
  open(sessionId: string, options?: { fresh?: boolean }): Promise<SessionVault>;
  /** Deletes every value of a session (the SQLite adapter zeroes the pages: secure_delete). */
  purgeSession(sessionId: string): Promise<void>;
  /**
   * Deletes originals stored before `cutoff` (epoch ms). Sessions expire by idleness and the
   * vault only knows sessions by a keyed hash, so retention runs by age: the composition root
   * purges at twice the session TTL.
   */
  purgeOlderThan(cutoff: number): Promise<number>;
  close(): Promise<void>;
}
