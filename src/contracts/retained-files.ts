/** Pictures kept with their session (KEFU_IMAGE_RETENTION=on), for the agent who takes it over. */
export interface RetainedFiles {
  put(sessionId: string, file: { bytes: Buffer; mime: string }): string;
  get(sessionId: string, id: string): { bytes: Buffer; mime: string } | null;
  /** Deletes a session's files (zeroed on disk: secure_delete). */
  purgeSession(sessionId: string): number;
  /** Deletes the files of every session `exists` no longer knows (swept by idleness, erased). */
  purgeGone(exists: (sessionId: string) => Promise<boolean>): Promise<number>;
  close(): void;
}
