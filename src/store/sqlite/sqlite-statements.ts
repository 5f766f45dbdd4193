import type Database from 'better-sqlite3';

export interface ConversationRow {
  id: string;
  user_id: string | null;
  tenant: string;
  channel: string;
  token_hash: string | null;
  created_at: number;
  updated_at: number;
  state: string | null;
}

export interface MessageRow {
  id: string;
  conversation_id: string;
  role: string;
  content: string;
  created_at: number;
  meta: string | null;
}

const CONVERSATION = 'id, user_id, tenant, channel, token_hash, created_at, updated_at, state';
const MESSAGE = 'id, conversation_id, role, content, created_at, meta';

/**
 * Every statement the store runs, compiled once per connection after migration. The SQL keeps
 * to what PostgreSQL shares (ON CONFLICT, CASE, a derived table for "newest N, oldest first").
 */
export function prepareStatements(db: Database.Database) {
  return {
    insertConversation: db.prepare<[string, string | null, string, string, string | null, number, number, string]>(
      `INSERT INTO conversations (id, user_id, tenant, channel, token_hash, created_at, updated_at, state)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (id) DO NOTHING`,
    ),
    getConversation: db.prepare<[string], ConversationRow>(`SELECT ${CONVERSATION} FROM conversations WHERE id = ?`),
    saveState: db.prepare<[string, number, string]>('UPDATE conversations SET state = ?, updated_at = ? WHERE id = ?'),
    /** An append's one write of the conversation row: updatedAt to its newest message (never backwards), the state if given. */
    touchConversation: db.prepare<[number, number, string | null, string]>(
      `UPDATE conversations SET updated_at = CASE WHEN updated_at < ? THEN ? ELSE updated_at END,
       state = COALESCE(?, state) WHERE id = ?`,
    ),
    insertMessage: db.prepare<[string, string, string, string, number, string]>(
      `INSERT INTO messages (id, conversation_id, role, content, created_at, meta)
       VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (id) DO NOTHING`,
    ),
    listMessages: db.prepare<[string], MessageRow>(
      `SELECT ${MESSAGE} FROM messages WHERE conversation_id = ? ORDER BY created_at, seq`,
    ),
    listNewestMessages: db.prepare<[string, number], MessageRow>(
      `SELECT ${MESSAGE} FROM (
         SELECT ${MESSAGE}, seq FROM messages WHERE conversation_id = ?
         ORDER BY created_at DESC, seq DESC LIMIT ?
       ) AS newest ORDER BY created_at, seq`,
    ),
    deleteIdle: db.prepare<[number]>('DELETE FROM conversations WHERE updated_at < ?'),
    deleteConversation: db.prepare<[string]>('DELETE FROM conversations WHERE id = ?'),
    listConversations: db.prepare<[number], ConversationRow>(
      `SELECT ${CONVERSATION} FROM conversations ORDER BY updated_at DESC, id DESC LIMIT ?`,
    ),
    listConversationsBefore: db.prepare<[number, number, string, number], ConversationRow>(
      `SELECT ${CONVERSATION} FROM conversations
       WHERE updated_at < ? OR (updated_at = ? AND id < ?)
       ORDER BY updated_at DESC, id DESC LIMIT ?`,
    ),
    getSetting: db.prepare<[string], { value: string }>('SELECT value FROM settings WHERE key = ?'),
    setSetting: db.prepare<[string, string]>(
      'INSERT INTO settings (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value',
    ),
    ping: db.prepare('SELECT 1'),
  };
}

export type SqliteStatements = ReturnType<typeof prepareStatements>;
