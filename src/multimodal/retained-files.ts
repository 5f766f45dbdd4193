import { randomUUID } from 'node:crypto';
import type { RetainedFiles } from '../contracts/retained-files.ts';
import { openPrivateDatabase } from '../store/sqlite/open-private-database.ts';
import { createRetainedFileCipher, type SealedFile } from './retained-file-cipher.ts';

const SCHEMA = `
CREATE TABLE IF NOT EXISTS retained_files (
  id TEXT PRIMARY KEY,
  session_id TEXT NOT NULL,
  mime TEXT NOT NULL,
  iv BLOB NOT NULL,
  ciphertext BLOB NOT NULL,
  tag BLOB NOT NULL,
  created_at INTEGER NOT NULL
);
CREATE INDEX IF NOT EXISTS retained_files_session ON retained_files (session_id);
`;

/**
 * One node's pictures, in their own SQLite file (<data dir>/retained-files.db), encrypted by
 * `createRetainedFileCipher`. A cluster uses `createPostgresRetainedFiles` instead.
 */
export function createSqliteRetainedFiles(options: { path: string; key: Buffer; now?: () => number }): RetainedFiles {
  const cipher = createRetainedFileCipher(options.key);
  const now = options.now ?? Date.now;
  const db = openPrivateDatabase(options.path);
  db.exec(SCHEMA);
  const insert = db.prepare('INSERT INTO retained_files (id, session_id, mime, iv, ciphertext, tag, created_at) VALUES (?, ?, ?, ?, ?, ?, ?)');
  const byId = db.prepare('SELECT mime, iv, ciphertext, tag FROM retained_files WHERE id = ? AND session_id = ?');
  const purge = db.prepare('DELETE FROM retained_files WHERE session_id = ?');
  const sessions = db.prepare('SELECT DISTINCT session_id FROM retained_files');

  return {
    async put(sessionId, file) {
      const id = randomUUID();
      const sealed = cipher.seal(sessionId, id, file.bytes);
      insert.run(id, sessionId, file.mime, sealed.iv, sealed.ciphertext, sealed.tag, now());
      return id;
    },
    async get(sessionId, id) {
      const row = byId.get(id, sessionId) as (SealedFile & { mime: string }) | undefined;
      if (row === undefined) return null;
      return { mime: row.mime, bytes: cipher.open(sessionId, id, row) };
    },
    async purgeSession(sessionId) {
      return purge.run(sessionId).changes;
    },
    async purgeGone(exists) {
      let removed = 0;
      for (const { session_id: id } of sessions.all() as { session_id: string }[]) {
        if (!(await exists(id))) removed += purge.run(id).changes;
      }
      return removed;
    },
    async close() {
      db.close();
    },
  };
}
