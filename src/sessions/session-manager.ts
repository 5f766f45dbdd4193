import { DEFAULT_TENANT, type AppendOptions, type Conversation, type ConversationStore, type NewConversation, type StoredMessage } from '../contracts/conversation-store.ts';
import type { ChatMessage } from '../contracts/language-model.ts';
import type { TurnRecord } from '../contracts/outcome-tracker.ts';
import { KefuError, badRequest, isKefuError, notFound } from '../errors.ts';
import { timeOrderedId } from '../ids/time-ordered-id.ts';
import { createFreshSessions } from './fresh-sessions.ts';
import { assertSessionId } from './session-id.ts';
import { checkSessionAccess, newSessionToken, type SessionAccess } from './session-token.ts';

export { startSweeper, type SweeperOptions } from './start-sweeper.ts';

export interface OpenSessionParams {
  /** Continue this session; without it a new one is created with a random UUID. */
  sessionId?: string;
  userId?: string | null;
  /** The tenant of the channel key the request came with; a session of another tenant is not found. */
  tenant?: string;
  channel: string;
  /**
   * For channels where the client names the session (the OpenAI `user` field): create the
   * session under `sessionId` when it does not exist, and start it afresh when it expired.
   */
  createIfMissing?: boolean;
  /** What proves the caller may continue an existing session: its token, or a key (`trusted`). */
  access?: SessionAccess;
  /**
   * A new session (no `sessionId`) is stored with its first message or state, in that write's
   * transaction, where the store can (`createsOnAppend`): for a turn that tells nobody the id
   * before it has written it. Until then the store does not have it.
   */
  storeWithFirstWrite?: boolean;
}

/** An opened session; `issuedToken` only when this call created it (the one time it is known). */
export type OpenedSession = Conversation & { issuedToken?: string };

export interface RecordMessageParams {
  sessionId: string;
  /** Defaults to a random UUID; pass one to return the id to the client before recording. */
  id?: string;
  role: StoredMessage['role'];
  content: string;
  meta?: Record<string, unknown>;
  /** Replaces the session state in the same transaction as the message. */
  state?: Record<string, unknown>;
  /** When it was said (epoch ms); defaults to now. A message recorded late keeps its own time. */
  at?: number;
}

export interface SessionManager {
  readonly ttlMs: number;
  /**
   * The conversation for a request. Unknown id: 404 `session_not_found`; not updated for longer
   * than `ttlMs`: 404 `session_expired`; malformed id: 400 `invalid_session_id`. An existing
   * session needs `access` (401/403, see `checkSessionAccess`); one that belongs to another user,
   * or to none when a user is named, is 409 `session_user_mismatch`: its customer was fixed when
   * it was created. A new session comes with its token.
   */
  open(params: OpenSessionParams): Promise<OpenedSession>;
  /**
   * The newest user/assistant turns, oldest first, for the prompt (agent replies count as
   * assistant; system notes are left out). `limit` defaults to, and is capped by, `historyLimit`.
   */
  history(sessionId: string, limit?: number): Promise<ChatMessage[]>;
  /** Appends a message (which also keeps the session alive) and returns it as stored. */
  record(params: RecordMessageParams): Promise<StoredMessage>;
  /**
   * Appends several messages of one session in order, and the state they led to, all or none:
   * in one transaction where the store can (`appendMessages`), else one message at a time with
   * the state written with the last.
   */
  recordAll(messages: readonly Omit<RecordMessageParams, 'state'>[], state?: Record<string, unknown>, outcome?: TurnRecord): Promise<StoredMessage[]>;
  /**
   * True when `recordAll` takes the turn's outcome row and writes it in the transcript's
   * transaction (the store and the outcome tracker share one database): the caller then does
   * not hand it to the tracker. `outcome` is refused where this is false.
   */
  readonly writesOutcomes: boolean;
  /** The newest stored messages with their ids and meta, oldest first. */
  recent(sessionId: string, limit: number): Promise<StoredMessage[]>;
  /** Replaces the session state and keeps the session alive. */
  saveState(sessionId: string, state: Record<string, unknown>): Promise<void>;
  /** Deletes every session idle for longer than `ttlMs`, with its messages; returns how many. */
  sweep(): Promise<number>;
}

export interface SessionManagerOptions {
  store: ConversationStore;
  ttlMs: number;
  historyLimit: number;
  /** Clock in epoch milliseconds; tests inject one. */
  now?: () => number;
  /**
   * The outcome tracker keeps its rows in the store's database (one node's kefu.db): a turn's
   * outcome row is written with its transcript where the store can (`writesOutcomes`).
   */
  outcomesWithTranscript?: boolean;
}

function checkOptions(ttlMs: number, historyLimit: number): void {
  if (!Number.isSafeInteger(ttlMs) || ttlMs <= 0) {
    throw new KefuError('invalid_config', `session ttlMs must be a positive integer, got ${ttlMs}`);
  }
  if (!Number.isSafeInteger(historyLimit) || historyLimit < 0) {
    throw new KefuError('invalid_config', `historyLimit must be a non-negative integer, got ${historyLimit}`);
  }
}

/** A stored session opens only in its tenant, with its token (or trusted access), for its own customer. */
function checkMayOpen(existing: Conversation, id: string, params: OpenSessionParams): void {
  if (existing.tenant !== (params.tenant ?? DEFAULT_TENANT)) throw notFound('session_not_found', `session ${id} does not exist`);
  checkSessionAccess(existing, params.access ?? {});
  // Naming no user goes on as the session's own; naming one is only ever the same one.
  const claimedUser = params.userId ?? null;
  if (claimedUser !== null && existing.userId !== claimedUser) {
    throw new KefuError('session_user_mismatch', `session ${id} belongs to ${existing.userId === null ? 'no signed-in customer' : 'another customer'}; start a new session for this user_id`, { status: 409 });
  }
}

function checkLimit(limit: number): number {
  if (!Number.isSafeInteger(limit) || limit < 0) throw badRequest('invalid_limit', 'limit must be a non-negative integer');
  return limit;
}

/** The last `wanted` turns; system notes are not turns, so more are fetched until enough are found or the start is reached. */
async function readHistory(store: ConversationStore, sessionId: string, wanted: number, fresh: { has(id: string): boolean }): Promise<ChatMessage[]> {
  if (wanted === 0 || fresh.has(sessionId)) return [];
  for (let fetch = wanted; ; fetch *= 2) {
    const stored = await store.listMessages(sessionId, fetch);
    const turns = stored.flatMap(toChatMessage);
    if (turns.length >= wanted || stored.length < fetch) return turns.slice(-wanted);
  }
}

export function createSessionManager(options: SessionManagerOptions): SessionManager {
  const { store, ttlMs, historyLimit } = options;
  const now = options.now ?? Date.now;
  checkOptions(ttlMs, historyLimit);

  const writesOutcomes = options.outcomesWithTranscript === true && store.writesOutcomes === true && store.appendMessages !== undefined;
  const fresh = createFreshSessions(now);
  const writes = createSessionWrites(store, ttlMs);

  async function create(id: string, params: OpenSessionParams): Promise<OpenedSession> {
    const { token, hash } = newSessionToken();
    const c = { id, userId: params.userId ?? null, tenant: params.tenant ?? DEFAULT_TENANT, channel: params.channel, tokenHash: hash, now: now() };
    const created = await writes.create(c, params.storeWithFirstWrite === true && params.sessionId === undefined, token);
    fresh.add(id);
    return created;
  }

  async function openNamed(id: string, params: OpenSessionParams): Promise<OpenedSession> {
    const existing = await store.getConversation(id);
    if (existing !== null) checkMayOpen(existing, id, params);
    if (existing === null) {
      if (params.createIfMissing !== true) throw notFound('session_not_found', `session ${id} does not exist`);
      try {
        return await create(id, params);
      } catch (e) {
        // Another request created it in between: use theirs.
        if (isKefuError(e) && e.code === 'conversation_exists') return openNamed(id, Object.assign({}, params, { createIfMissing: false }));
        throw e;
      }
    }
    const at = now();
    if (at - existing.updatedAt <= ttlMs) return existing;
    if (params.createIfMissing !== true) throw notFound('session_expired', `session ${id} has expired`);
    // Delete by idleness, not by id: a concurrent request may already have started it afresh.
    await store.deleteIdleConversations(at - ttlMs);
    return openNamed(id, params);
  }

  return {
    ttlMs, writesOutcomes,
    async open(params) {
      if (params.sessionId === undefined) return create(timeOrderedId(), params);
      return openNamed(assertSessionId(params.sessionId), params);
    },
    history: async (sessionId, limit = historyLimit) => readHistory(store, assertSessionId(sessionId), Math.min(checkLimit(limit), historyLimit), fresh),
    async record(params) {
      const message = toStored(params, now());
      fresh.forget(message.conversationId);
      await writes.write(params.sessionId, (create) => store.appendMessage(message, withCreate(appendOptions(params.state, undefined, writesOutcomes), create)));
      return message;
    },
    async recordAll(params, state, outcome) {
      const at = now();
      const messages = params.map((p) => toStored(p, at));
      const first = params[0];
      if (first === undefined) throw badRequest('invalid_argument', 'recordAll needs at least one message');
      const options = appendOptions(state, outcome, writesOutcomes);
      for (const m of messages) fresh.forget(m.conversationId);
      if (store.appendMessages !== undefined) {
        await writes.write(first.sessionId, (create) => store.appendMessages!(messages, withCreate(options, create)));
      } else {
        for (const [i, m] of messages.entries()) await sessionWrite(first.sessionId, store.appendMessage(m, i === messages.length - 1 ? options : {}));
      }
      return messages;
    },
    async recent(sessionId, limit) {
      assertSessionId(sessionId);
      if (fresh.has(sessionId)) return [];
      return store.listMessages(sessionId, limit);
    },
    async saveState(sessionId, state) {
      assertSessionId(sessionId);
      await writes.write(sessionId, (create) => saveStateCreating(store, create, sessionId, state, now()));
    },
    async sweep() {
      return store.deleteIdleConversations(now() - ttlMs);
    },
  };
}

/**
 * New sessions stored at once, or (`later`, where the store can) with their first write, in its
 * transaction: `write` hands a session's creation to the write that stores it. An unwritten
 * session lapses after the TTL (not written for that long, it has expired anyway) and at most
 * `max` are kept, oldest dropped first, so turns that fail before writing leave nothing for long.
 */
function createSessionWrites(store: ConversationStore, ttlMs: number, max = 10_000) {
  const unsaved = new Map<string, NewConversation>();
  return {
    /** The session as opened, with its token: built once here, not spread again by the caller (one per turn). */
    async create(c: NewConversation & { tenant: string; tokenHash: string }, later: boolean, issuedToken: string): Promise<OpenedSession> {
      if (!later || store.createsOnAppend !== true) return Object.assign({}, await store.createConversation(c), { issuedToken });
      for (const [id, old] of unsaved) {
        if (unsaved.size < max && old.now >= c.now - ttlMs) break;
        unsaved.delete(id);
      }
      unsaved.set(c.id, c);
      return { id: c.id, userId: c.userId, tenant: c.tenant, channel: c.channel, tokenHash: c.tokenHash, createdAt: c.now, updatedAt: c.now, state: {}, issuedToken };
    },
    async write(sessionId: string, run: (create: NewConversation | undefined) => Promise<void>): Promise<void> {
      const create = unsaved.get(sessionId);
      await sessionWrite(sessionId, run(create));
      if (create !== undefined) unsaved.delete(sessionId);
    },
  };
}

/** A session not stored yet whose first write is a state, not a message: created first (no message to share a commit with). */
async function saveStateCreating(store: ConversationStore, create: NewConversation | undefined, sessionId: string, state: Record<string, unknown>, at: number): Promise<void> {
  if (create !== undefined) await store.createConversation(create);
  await store.saveState(sessionId, state, at);
}

/** Set field by field: conditional spreads of small objects showed in a turn's profile (issue 16). A fresh object, so `recordAll` may add `create`. */
function appendOptions(state: Record<string, unknown> | undefined, outcome: TurnRecord | undefined, writesOutcomes: boolean): AppendOptions {
  if (outcome !== undefined && !writesOutcomes) throw badRequest('invalid_argument', 'this session store does not write turn outcomes: record them with the outcome tracker');
  const options: AppendOptions = {};
  if (state !== undefined) options.state = state;
  if (outcome !== undefined) options.outcome = outcome;
  return options;
}

/** `options` (a fresh object from `appendOptions`) with the session to create set on it, not spread into a copy. */
function withCreate(options: AppendOptions, create: NewConversation | undefined): AppendOptions {
  if (create !== undefined) options.create = create;
  return options;
}

function toStored(params: Omit<RecordMessageParams, 'state'>, at: number): StoredMessage {
  return {
    id: params.id ?? timeOrderedId(),
    conversationId: assertSessionId(params.sessionId),
    role: params.role,
    content: params.content,
    createdAt: params.at ?? at,
    meta: params.meta ?? {},
  };
}

function toChatMessage(m: StoredMessage): ChatMessage[] {
  switch (m.role) {
    case 'user':
      return [{ role: 'user', content: m.content }];
    case 'assistant':
    case 'agent':
      return [{ role: 'assistant', content: m.content }];
    case 'system':
      return [];
  }
}

/** A write to a session that is gone (swept, deleted) is the caller's 404, in session terms. */
async function sessionWrite(sessionId: string, write: Promise<void>): Promise<void> {
  try {
    await write;
  } catch (e) {
    if (isKefuError(e) && e.code === 'conversation_not_found') {
      throw new KefuError('session_not_found', `session ${sessionId} does not exist`, { status: 404, cause: e });
    }
    throw e;
  }
}
