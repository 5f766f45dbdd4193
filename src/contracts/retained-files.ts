/**
 * Pictures kept with their session (KEFU_IMAGE_RETENTION=on), for the agent who takes it over.
 * Asynchronous because the store can be remote: one node keeps them in its own SQLite file, a
 * cluster (KEFU_DATABASE_URL) in PostgreSQL, so an agent on any node sees them.
 */
export interface RetainedFiles {
  put(sessionId: string, file: { bytes: Buffer; mime: string }): Promise<string>;
  get(sessionId: string, id: string): Promise<{ bytes: Buffer; mime: string } | null>;
  /** Deletes a session's files (SQLite: zeroed on disk with secure_delete). */
  purgeSession(sessionId: string): Promise<number>;
  /** Deletes the files of every session `exists` no longer knows (swept by idleness, erased). */
  purgeGone(exists: (sessionId: string) => Promise<boolean>): Promise<number>;
  close(): Promise<void>;
}
