/**
 * Durable conversations and messages. SQLite is the embedded default; PostgreSQL implements the
 * same contract for multi-node mode, and one contract test suite runs against every adapter.
 * Stored text is already masked by the caller: adapters never see raw PII.
 */
export interface Conversation {
  id: string;
  userId: string | null;
  channel: string;
  createdAt: number;
  updatedAt: number;
  /** Free-form per-session state (dialogue flow state lives here). */
  state: Record<string, unknown>;
}

export interface StoredMessage {
  id: string;
  conversationId: string;
  role: 'user' | 'assistant' | 'agent' | 'system';
  content: string;
  createdAt: number;
  /** intent, emotion, sources, cached, model... */
  meta: Record<string, unknown>;
}

export interface ConversationStore {
  migrate(): Promise<void>;
  createConversation(c: { id: string; userId: string | null; channel: string; now: number }): Promise<Conversation>;
  getConversation(id: string): Promise<Conversation | null>;
  /** Replaces the state and bumps updatedAt. */
  saveState(id: string, state: Record<string, unknown>, now: number): Promise<void>;
  appendMessage(m: StoredMessage): Promise<void>;
  /** Oldest first; `limit` keeps the newest N. */
  listMessages(conversationId: string, limit?: number): Promise<StoredMessage[]>;
  /** Conversations not updated since `before` (for TTL expiry). */
  deleteIdleConversations(before: number): Promise<number>;
  /** A small key-value table for settings such as the generated admin key hash. */
  getSetting(key: string): Promise<string | null>;
  setSetting(key: string, value: string): Promise<void>;
  ping(): Promise<void>;
  close(): Promise<void>;
}
