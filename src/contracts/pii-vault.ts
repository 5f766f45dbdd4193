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

/** Where every session's originals are kept, encrypted. */
export interface PiiVaultStore {
  forSession(sessionId: string): PiiVault;
  /** Deletes every value of a session (the SQLite adapter zeroes the pages: secure_delete). */
  purgeSession(sessionId: string): void;
  /**
   * Deletes originals stored before `cutoff` (epoch ms). Sessions expire by idleness and the
   * vault only knows sessions by a keyed hash, so retention runs by age: the composition root
   * purges at twice the session TTL.
   */
  purgeOlderThan(cutoff: number): number;
  close(): void;
}
