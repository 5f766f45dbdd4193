/**
 * The SQLite schema as an ordered list of numbered steps. Append new steps; never edit or
 * renumber one that has shipped, since databases in the field record the versions they ran.
 * Column types and constraints stay within what PostgreSQL also has (TEXT, INTEGER/BIGINT,
 * CHECK, ON DELETE CASCADE, ON CONFLICT), so the PostgreSQL adapter mirrors these steps.
 */
export interface Migration {
  version: number;
  name: string;
  sql: string;
}

export const sqliteMigrations: readonly Migration[] = [
  {
    version: 1,
    name: 'conversations, messages, settings',
    sql: `
      CREATE TABLE conversations (
        id         TEXT    NOT NULL PRIMARY KEY,
        user_id    TEXT,
        channel    TEXT    NOT NULL,
        created_at INTEGER NOT NULL,
        updated_at INTEGER NOT NULL,
        state      TEXT    NOT NULL DEFAULT '{}'
      );
      CREATE TABLE messages (
        seq             INTEGER PRIMARY KEY AUTOINCREMENT,
        id              TEXT    NOT NULL UNIQUE,
        conversation_id TEXT    NOT NULL REFERENCES conversations (id) ON DELETE CASCADE,
        role            TEXT    NOT NULL CHECK (role IN ('user', 'assistant', 'agent', 'system')),
        content         TEXT    NOT NULL,
        created_at      INTEGER NOT NULL,
        meta            TEXT    NOT NULL DEFAULT '{}'
      );
      CREATE INDEX messages_conversation_order ON messages (conversation_id, created_at, seq);
      CREATE TABLE settings (
        key   TEXT NOT NULL PRIMARY KEY,
        value TEXT NOT NULL
      );
    `,
  },
  {
    version: 2,
    name: 'index conversations by recency (idle sweep, admin listing)',
    sql: `
      CREATE INDEX conversations_recency ON conversations (updated_at, id);
    `,
  },
];
