import { chmodSync, mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import Database from 'better-sqlite3';

/**
 * A SQLite file that holds personal data or secrets: owner-only (0600), WAL, and deleted rows
 * zeroed in the file (secure_delete), so what a session's erasure removes does not linger in free
 * pages (docs/privacy.md). `:memory:` for tests.
 */
export function openPrivateDatabase(path: string): Database.Database {
  const inMemory = path === ':memory:';
  if (!inMemory) mkdirSync(dirname(path), { recursive: true });
  const db = new Database(path);
  if (!inMemory) chmodSync(path, 0o600);
  db.pragma('journal_mode = WAL');
  db.pragma('secure_delete = ON');
  db.pragma('busy_timeout = 5000');
  return db;
}
