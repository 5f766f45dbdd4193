import { createCipheriv, createDecipheriv, hkdfSync, randomBytes, randomUUID } from 'node:crypto';
import { KefuError } from '../errors.ts';
import type { RetainedFiles } from '../contracts/retained-files.ts';
import { openPrivateDatabase } from '../store/sqlite/open-private-database.ts';

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
 * Its own SQLite file, encrypted as the PII vault encrypts values (src/safety/pii/pii-vault.ts):
 * AES-256-GCM with a random 12-byte IV per file, a key derived by HKDF from the vault key, and
 * the session and file ids as additional data, so a row cannot be moved to another session.
 */
export function createSqliteRetainedFiles(options: { path: string; key: Buffer; now?: () => number }): RetainedFiles {
  if (options.key.length !== 32) throw new KefuError('invalid_vault_key', 'the file encryption key must be 32 bytes');
  const key = Buffer.from(hkdfSync('sha256', options.key, 'kefu-retained-files', 'aes-256-gcm file encryption', 32));
  const now = options.now ?? Date.now;
  const db = openPrivateDatabase(options.path);
  db.exec(SCHEMA);
  const insert = db.prepare('INSERT INTO retained_files (id, session_id, mime, iv, ciphertext, tag, created_at) VALUES (?, ?, ?, ?, ?, ?, ?)');
  const byId = db.prepare('SELECT mime, iv, ciphertext, tag FROM retained_files WHERE id = ? AND session_id = ?');
  const purge = db.prepare('DELETE FROM retained_files WHERE session_id = ?');
  const sessions = db.prepare('SELECT DISTINCT session_id FROM retained_files');
  const aad = (sessionId: string, id: string) => Buffer.from(`${sessionId}\u0000${id}`);

  return {
    put(sessionId, file) {
      const id = randomUUID();
      const iv = randomBytes(12);
      const cipher = createCipheriv('aes-256-gcm', key, iv);
      cipher.setAAD(aad(sessionId, id));
      const ciphertext = Buffer.concat([cipher.update(file.bytes), cipher.final()]);
      insert.run(id, sessionId, file.mime, iv, ciphertext, cipher.getAuthTag(), now());
      return id;
    },
    get(sessionId, id) {
      const row = byId.get(id, sessionId) as { mime: string; iv: Buffer; ciphertext: Buffer; tag: Buffer } | undefined;
      if (row === undefined) return null;
      const decipher = createDecipheriv('aes-256-gcm', key, row.iv);
      decipher.setAAD(aad(sessionId, id));
      decipher.setAuthTag(row.tag);
      return { mime: row.mime, bytes: Buffer.concat([decipher.update(row.ciphertext), decipher.final()]) };
    },
    purgeSession(sessionId) {
      return purge.run(sessionId).changes;
    },
    async purgeGone(exists) {
      let removed = 0;
      for (const { session_id: id } of sessions.all() as { session_id: string }[]) {
        if (!(await exists(id))) removed += purge.run(id).changes;
      }
      return removed;
    },
    close() {
      db.close();
    },
  };
}
