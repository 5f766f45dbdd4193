import type { TurnRecord } from './outcome-tracker.ts';

/**
 * Durable conversations and messages. SQLite is the embedded default; PostgreSQL implements the
 * same contract for multi-node mode, and one contract test suite runs against every adapter.
 * Stored text is already masked by the caller: adapters never see raw PII.
 *
 * Times are epoch milliseconds (integers). Adapters reject with a `KefuError` whose `code` is one
 * of `ConversationStoreErrorCode`, never with a driver error, so callers behave the same on every
 * database. Reads of unknown ids return `null` or `[]`, never an error.
 */
export type ConversationStoreErrorCode =
  /** 404: a write names a conversation that does not exist. */
  | 'conversation_not_found'
  /** 409: `createConversation` with an id already taken. */
  | 'conversation_exists'
  /** 409: `appendMessage` with a message id already taken. */
  | 'message_exists'
  /** 400: a limit, timestamp, role or value the store cannot accept. */
  | 'invalid_argument'
  /** 503: the store was closed. */
  | 'store_closed'
  /** 500: the database schema is newer than this code knows (downgrade). */
  | 'schema_too_new';

/** Keyset cursor for `listConversations`: pass the last conversation of the previous page. */
export interface ConversationCursor {
  updatedAt: number;
  id: string;
}

/** Sessions of the public web channel and single-shop installs. */
export const DEFAULT_TENANT = 'default';

export interface Conversation {
  id: string;
  userId: string | null;
  /** Whose conversation it is in a multi-tenant install; agents only see their tenant's. */
  tenant: string;
  channel: string;
  /**
   * Hex SHA-256 of the session token issued when the session was created; the token itself is
   * never stored. null: a session from before tokens (migration 6), which only a key continues.
   */
  tokenHash: string | null;
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

export interface AppendOptions {
  /**
   * Replaces the conversation's state in the same transaction: a crash never keeps a reply
   * without the dialogue state it led to, nor the state without the reply.
   */
  state?: Record<string, unknown>;
  /**
   * Only for a store whose `writesOutcomes` is true: the turn's outcome row (what
   * `OutcomeTracker.recordTurn` writes, at the last message's time) in the same transaction, so
   * a turn costs one commit and a crash keeps both or neither. Others never get it: the caller
   * hands the row to the tracker instead.
   */
  outcome?: TurnRecord;
  /**
   * Only for a store whose `createsOnAppend` is true: creates the conversation first, in the same
   * transaction (`conversation_exists` when the id is taken, and nothing written), so a session
   * made for a turn costs no commit of its own.
   */
  create?: NewConversation;
}

/** `tenant` defaults to `DEFAULT_TENANT`; `tokenHash` to null. */
export interface NewConversation {
  id: string;
  userId: string | null;
  tenant?: string;
  channel: string;
  tokenHash?: string | null;
  now: number;
}

export interface ConversationStore {
  /**
   * Optional: true where the store's database holds the outcome tracker's table too (SQLite's
   * kefu.db), so `appendMessages` takes a turn's `outcome`.
   */
  readonly writesOutcomes?: boolean;
  /** Optional: true where `appendMessage(s)` takes `create` (a conversation made in the same transaction). */
  readonly createsOnAppend?: boolean;
  migrate(): Promise<void>;
  createConversation(c: NewConversation): Promise<Conversation>;
  getConversation(id: string): Promise<Conversation | null>;
  /** Replaces the state and bumps updatedAt. */
  saveState(id: string, state: Record<string, unknown>, now: number): Promise<void>;
  /**
   * Appends in one transaction and bumps the conversation's updatedAt to `m.createdAt` (never
   * backwards), so any message keeps its session alive.
   */
  appendMessage(m: StoredMessage, options?: AppendOptions): Promise<void>;
  /**
   * Optional: several messages of one conversation (a turn: the customer's message and the reply)
   * appended in order, with the state, in one transaction: all or none. Each commit is a write to
   * the database's log, so a turn written at once costs one instead of two. Callers fall back to
   * `appendMessage` per message where a store does not have it.
   */
  appendMessages?(messages: readonly StoredMessage[], options?: AppendOptions): Promise<void>;
  /** Oldest first; `limit` keeps the newest N. */
  listMessages(conversationId: string, limit?: number): Promise<StoredMessage[]>;
  /** Conversations not updated since `before` (for TTL expiry). */
  deleteIdleConversations(before: number): Promise<number>;
  /** Deletes one conversation and its messages; false when it did not exist. */
  deleteConversation(id: string): Promise<boolean>;
  /**
   * Most recently updated first, ordered by (updatedAt, id) descending; `before` continues after
   * the given cursor (exclusive), so pages never skip or repeat rows that share an updatedAt.
   */
  listConversations(opts: { limit: number; before?: ConversationCursor }): Promise<Conversation[]>;
  /** A small key-value table for settings such as the generated admin key hash. */
  getSetting(key: string): Promise<string | null>;
  setSetting(key: string, value: string): Promise<void>;
  ping(): Promise<void>;
  close(): Promise<void>;
}
