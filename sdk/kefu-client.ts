/**
 * Kefu app channel client (docs/app-channel.md). No dependencies: pass the WebSocket
 * implementation, the browser's global `WebSocket` or the `ws` package's in Node.
 *
 *   const kefu = new KefuClient({ url: 'wss://kefu.example.com/v1/ws', WebSocket });
 *   await kefu.connect();
 *   for await (const e of kefu.send('退货政策是什么?')) if (e.type === 'delta') show(e.text);
 *   kefu.on('message', (m) => show(m.content)); // agent replies, pushed
 */

/** What the client needs of a WebSocket; both the browser's and `ws`'s fit. */
export interface WebSocketLike {
  readonly readyState: number;
  send(data: string): void;
  close(code?: number, reason?: string): void;
  addEventListener(type: 'open', listener: (event: object) => void): void;
  addEventListener(type: 'error', listener: (event: object) => void): void;
  addEventListener(type: 'close', listener: (event: { code: number; reason: string }) => void): void;
  addEventListener(type: 'message', listener: (event: { data: unknown }) => void): void;
}

export type WebSocketConstructor = new (url: string) => WebSocketLike;

export interface SourceRef {
  id: string;
  title: string;
  score: number;
  url?: string;
}

/**
 * A picture or a recording sent with a message (docs/multimodal.md): at most one of each; the
 * text may then be empty. `data` is the file in base64.
 */
export interface KefuAttachment {
  type: 'image' | 'audio';
  mime: string;
  data: string;
  name?: string;
}

/** The full reply (the `done` event; the same object as POST /v1/chat returns). */
export interface ChatReply {
  session_id: string;
  /** The id the reply is stored under (when it is not empty): resume continues after it. */
  message_id: string;
  reply: string;
  intent: string;
  emotion: { label: string; intensity: number };
  handoff: boolean;
  sources: SourceRef[];
  cached: boolean;
  flow?: { name: string; step: string };
  model: string;
  usage?: { inputTokens?: number; outputTokens?: number };
  finish_reason?: string;
  /** What the message's picture or recording was read as. */
  attachments?: { type: 'image' | 'audio'; text: string }[];
  /** What was heard in the message's voice recording: show it as the customer's words. */
  transcript?: string;
}

/** A stored message pushed or replayed: agent replies, system notices, bot replies missed. */
export interface KefuMessage {
  id: string;
  role: 'user' | 'assistant' | 'agent' | 'system';
  content: string;
  created_at: string;
}

/** What `send` yields: the reply as it is produced, ending with `done`. */
export type ReplyEvent =
  | { type: 'sources'; sources: SourceRef[] }
  | { type: 'delta'; text: string }
  | { type: 'handoff'; reason: string }
  | { type: 'done'; reply: ChatReply };

/** Every event the server sends (the protocol). */
export type ServerEvent =
  | { type: 'ready'; session_id: string; resumed: boolean; session_token?: string }
  | { type: 'ack'; id: string }
  | { type: 'sources'; id: string; sources: SourceRef[] }
  | { type: 'delta'; id: string; text: string }
  | { type: 'handoff'; id: string; reason: string }
  | { type: 'done'; id: string; reply: ChatReply }
  | { type: 'message'; message: KefuMessage }
  | { type: 'error'; code: string; message: string; id?: string }
  | { type: 'pong' };

/** `code` is the server's error code (`busy`, `message_too_long`...) or the client's own (`disconnected`, `closed`...). */
export class KefuClientError extends Error {
  readonly code: string;

  constructor(code: string, message: string) {
    super(message);
    this.name = 'KefuClientError';
    this.code = code;
  }
}

export interface ReconnectOptions {
  /** First delay; it doubles each attempt up to `maxDelayMs`, with jitter. */
  initialDelayMs?: number;
  maxDelayMs?: number;
  /** Give up after this many attempts in a row (default: never). */
  maxAttempts?: number;
}

export interface KefuClientOptions {
  /** ws(s)://host/v1/ws */
  url: string;
  /** A channel key; sent as `?key=` because browsers cannot set headers on WebSockets. */
  key?: string;
  userId?: string;
  /** HMAC-SHA256 of userId made by the shop's backend, when the server requires it. */
  userSig?: string;
  /** Resume a session the app kept (with `lastMessageId`, to get what was missed). */
  sessionId?: string;
  /** The token the server gave with that session (`sessionToken`): resuming it needs this, or a key. */
  sessionToken?: string;
  lastMessageId?: string;
  WebSocket: WebSocketConstructor;
  /** Reconnect after a dropped connection, resuming the session (default true). */
  reconnect?: boolean | ReconnectOptions;
  /** App-level ping every this often; a connection silent for two intervals is dropped (0: off). */
  pingIntervalMs?: number;
  /** Time allowed for a connection to become ready. */
  connectTimeoutMs?: number;
}

export interface KefuClientEvents {
  /** Connected and in a session; `resumed` is false when a new session had to be started. */
  ready: { sessionId: string; resumed: boolean };
  /** An agent reply or notice, pushed live or replayed on resume; never twice. */
  message: KefuMessage;
  disconnect: { code: number; reason: string };
  reconnecting: { attempt: number; delayMs: number };
  /** Errors that belong to no reply (a refused resume, a failed reconnect). */
  error: KefuClientError;
}

type Listener<K extends keyof KefuClientEvents> = (event: KefuClientEvents[K]) => void;

const OPEN = 1;
/**
 * Sessions the server no longer has, or no longer lets this client into (one kept without its
 * token, from before session tokens): the client starts a new one instead of retrying.
 */
const SESSION_GONE = new Set(['session_not_found', 'session_expired', 'session_token_required', 'invalid_session_token']);

/** One reply's events, buffered until the caller reads them. */
class ReplyQueue implements AsyncIterable<ReplyEvent> {
  sent = false;
  #events: ReplyEvent[] = [];
  #error: Error | null = null;
  #finished = false;
  #wake: (() => void) | null = null;

  push(event: ReplyEvent): void {
    if (this.#finished) return;
    this.#events.push(event);
    if (event.type === 'done') this.#finished = true;
    this.#notify();
  }

  fail(error: Error): void {
    if (this.#finished) return;
    this.#error = error;
    this.#finished = true;
    this.#notify();
  }

  get finished(): boolean {
    return this.#finished;
  }

  #notify(): void {
    const wake = this.#wake;
    this.#wake = null;
    wake?.();
  }

  async *[Symbol.asyncIterator](): AsyncIterator<ReplyEvent> {
    for (;;) {
      const next = this.#events.shift();
      if (next !== undefined) {
        yield next;
        if (next.type === 'done') return;
        continue;
      }
      if (this.#error !== null) throw this.#error;
      if (this.#finished) return;
      await new Promise<void>((resolve) => {
        this.#wake = resolve;
      });
    }
  }
}

export class KefuClient {
  readonly #options: KefuClientOptions;
  readonly #reconnect: Required<ReconnectOptions> | null;
  readonly #listeners = new Map<keyof KefuClientEvents, Set<(event: never) => void>>();
  readonly #pending = new Map<string, ReplyQueue>();
  /** Ids of messages already shown, so replays and pushes never repeat one. */
  readonly #seen = new Set<string>();
  readonly #idPrefix = Math.random().toString(36).slice(2, 8);
  #counter = 0;
  #socket: WebSocketLike | null = null;
  #state: 'idle' | 'connecting' | 'ready' | 'reconnecting' | 'closed' = 'idle';
  #sessionId: string | undefined;
  #sessionToken: string | undefined;
  #lastMessageId: string | undefined;
  #waiters: { resolve: () => void; reject: (e: Error) => void }[] = [];
  #pingTimer: ReturnType<typeof setInterval> | null = null;
  #retryTimer: ReturnType<typeof setTimeout> | null = null;
  #lastHeard = 0;

  constructor(options: KefuClientOptions) {
    this.#options = options;
    this.#sessionId = options.sessionId;
    this.#sessionToken = options.sessionToken;
    this.#lastMessageId = options.lastMessageId;
    const r = options.reconnect ?? true;
    this.#reconnect = r === false ? null : { initialDelayMs: 500, maxDelayMs: 15_000, maxAttempts: Number.POSITIVE_INFINITY, ...(r === true ? {} : r) };
  }

  /** The current session (keep it, with `lastMessageId`, to resume after the app restarts). */
  get sessionId(): string | undefined {
    return this.#sessionId;
  }

  /** The session's token, given when the session was created: keep it with `sessionId` to resume. */
  get sessionToken(): string | undefined {
    return this.#sessionToken;
  }

  /** The newest stored message this client has seen. */
  get lastMessageId(): string | undefined {
    return this.#lastMessageId;
  }

  get connected(): boolean {
    return this.#state === 'ready';
  }

  /** Opens the connection and the session. A first connection that fails is not retried. */
  async connect(): Promise<{ sessionId: string }> {
    if (this.#state === 'closed') throw new KefuClientError('closed', 'This client was closed; make a new one');
    if (this.#state === 'idle') {
      this.#state = 'connecting';
      try {
        await this.#open();
      } catch (err) {
        if (this.#state === 'connecting') this.#state = 'idle';
        this.#rejectWaiters(err as Error);
        throw err;
      }
    } else {
      await this.#whenReady();
    }
    return { sessionId: this.#sessionId! };
  }

  /**
   * Sends a message and returns its reply as it streams: sources, deltas, a handoff, then done.
   * Sent at once (read the events when you like); while reconnecting it waits for the session.
   * Fails with `busy` when a reply is still streaming, `disconnected` when the connection drops.
   */
  send(text: string, attachments?: readonly KefuAttachment[]): AsyncIterable<ReplyEvent> {
    const id = `${this.#idPrefix}-${++this.#counter}`;
    const queue = new ReplyQueue();
    this.#pending.set(id, queue);
    this.#whenReady().then(
      () => {
        if (queue.finished) return;
        queue.sent = true;
        this.#write({ type: 'message', id, text, ...(attachments === undefined || attachments.length === 0 ? {} : { attachments: [...attachments] }) });
      },
      (err: Error) => {
        this.#pending.delete(id);
        queue.fail(err);
      },
    );
    return queue;
  }

  /** `send`, keeping only the full reply. */
  async ask(text: string, attachments?: readonly KefuAttachment[]): Promise<ChatReply> {
    for await (const event of this.send(text, attachments)) if (event.type === 'done') return event.reply;
    throw new KefuClientError('no_reply', 'The reply ended without a done event');
  }

  /** Tells the server the customer is typing (ignored while not connected). */
  typing(): void {
    if (this.#state === 'ready') this.#write({ type: 'typing' });
  }

  /** Subscribes to an event; returns the unsubscribe function. */
  on<K extends keyof KefuClientEvents>(event: K, listener: Listener<K>): () => void {
    let set = this.#listeners.get(event);
    if (set === undefined) {
      set = new Set();
      this.#listeners.set(event, set);
    }
    const s = set;
    s.add(listener as (event: never) => void);
    return () => s.delete(listener as (event: never) => void);
  }

  /** Closes for good: no reconnect; replies in progress fail with `closed`. */
  close(): void {
    if (this.#state === 'closed') return;
    this.#state = 'closed';
    this.#stopTimers();
    const socket = this.#socket;
    this.#socket = null;
    socket?.close(1000, 'client closed');
    const err = new KefuClientError('closed', 'The client was closed');
    this.#failPending(err, true);
    this.#rejectWaiters(err);
  }

  #emit<K extends keyof KefuClientEvents>(event: K, value: KefuClientEvents[K]): void {
    for (const listener of this.#listeners.get(event) ?? []) (listener as Listener<K>)(value);
  }

  #write(frame: Record<string, unknown>): void {
    const socket = this.#socket;
    if (socket === null || socket.readyState !== OPEN) return;
    try {
      socket.send(JSON.stringify(frame));
    } catch {
      // The close event that follows fails the replies in flight.
    }
  }

  #whenReady(): Promise<void> {
    if (this.#state === 'ready') return Promise.resolve();
    if (this.#state === 'connecting' || this.#state === 'reconnecting') return new Promise((resolve, reject) => this.#waiters.push({ resolve, reject }));
    return Promise.reject(new KefuClientError(this.#state === 'closed' ? 'closed' : 'not_connected', this.#state === 'closed' ? 'The client was closed' : 'Call connect() first'));
  }

  #rejectWaiters(err: Error): void {
    const waiters = this.#waiters;
    this.#waiters = [];
    for (const w of waiters) w.reject(err);
  }

  #failPending(err: Error, all: boolean): void {
    for (const [id, queue] of this.#pending) {
      if (!all && !queue.sent) continue;
      this.#pending.delete(id);
      queue.fail(err);
    }
  }

  #stopTimers(): void {
    if (this.#pingTimer !== null) clearInterval(this.#pingTimer);
    if (this.#retryTimer !== null) clearTimeout(this.#retryTimer);
    this.#pingTimer = null;
    this.#retryTimer = null;
  }

  /** One connection: open, hello, ready. Rejects if it does not get that far. */
  #open(): Promise<void> {
    const url = new URL(this.#options.url);
    if (this.#options.key !== undefined) url.searchParams.set('key', this.#options.key);
    const socket = new this.#options.WebSocket(url.toString());
    this.#socket = socket;
    return new Promise<void>((resolve, reject) => {
      let settled = false;
      const fail = (err: KefuClientError) => {
        if (settled) return;
        settled = true;
        clearTimeout(timeout);
        if (this.#socket === socket) this.#socket = null;
        socket.close(1000, err.code);
        reject(err);
      };
      const timeout = setTimeout(() => fail(new KefuClientError('connect_timeout', 'The server did not answer in time')), this.#options.connectTimeoutMs ?? 10_000);

      socket.addEventListener('open', () => {
        if (this.#socket !== socket) return;
        this.#write({
          type: 'hello',
          ...(this.#sessionId === undefined ? {} : { session_id: this.#sessionId }),
          ...(this.#sessionId === undefined || this.#sessionToken === undefined ? {} : { session_token: this.#sessionToken }),
          ...(this.#options.userId === undefined ? {} : { user_id: this.#options.userId }),
          ...(this.#options.userSig === undefined ? {} : { user_sig: this.#options.userSig }),
          ...(this.#lastMessageId === undefined || this.#sessionId === undefined ? {} : { last_message_id: this.#lastMessageId }),
        });
      });
      socket.addEventListener('message', (e) => {
        if (this.#socket !== socket) return;
        this.#lastHeard = Date.now();
        let event: ServerEvent;
        try {
          event = JSON.parse(String(e.data)) as ServerEvent;
        } catch {
          return;
        }
        if (!settled && event.type === 'error' && event.id === undefined) {
          fail(new KefuClientError(event.code, event.message));
          return;
        }
        if (!settled && event.type === 'ready') {
          settled = true;
          clearTimeout(timeout);
          this.#sessionId = event.session_id;
          // Only a new session comes with a token; a resumed one keeps the token it had.
          if (event.session_token !== undefined) this.#sessionToken = event.session_token;
          this.#ready();
          this.#emit('ready', { sessionId: event.session_id, resumed: event.resumed });
          resolve();
          return;
        }
        this.#dispatch(event);
      });
      // A refused upgrade (401, 404) shows only as error + close: browsers hide the status.
      socket.addEventListener('close', (e) => {
        if (!settled) {
          fail(new KefuClientError('connection_failed', `Could not connect (close code ${e.code}); check the url and key`));
          return;
        }
        if (this.#socket === socket) this.#dropped(e.code, e.reason);
      });
      socket.addEventListener('error', () => {
        // The close event follows and says what to do.
      });
    });
  }

  #ready(): void {
    this.#state = 'ready';
    this.#lastHeard = Date.now();
    const interval = this.#options.pingIntervalMs ?? 20_000;
    if (interval > 0) {
      this.#pingTimer = setInterval(() => {
        if (Date.now() - this.#lastHeard > 2 * interval) {
          // A half-open connection: nothing will ever arrive on it.
          const socket = this.#socket;
          if (socket !== null) {
            this.#dropped(4000, 'heartbeat timeout');
            socket.close(4000, 'heartbeat timeout');
          }
          return;
        }
        this.#write({ type: 'ping' });
      }, interval);
    }
    const waiters = this.#waiters;
    this.#waiters = [];
    for (const w of waiters) w.resolve();
  }

  #dispatch(event: ServerEvent): void {
    switch (event.type) {
      case 'pong':
      case 'ack':
      case 'ready':
        return;
      case 'message':
        if (this.#seen.has(event.message.id)) return;
        this.#remember(event.message.id);
        this.#emit('message', event.message);
        return;
      case 'error': {
        const err = new KefuClientError(event.code, event.message);
        const queue = event.id === undefined ? undefined : this.#pending.get(event.id);
        if (queue === undefined) {
          this.#emit('error', err);
          return;
        }
        this.#pending.delete(event.id!);
        queue.fail(err);
        return;
      }
      case 'done':
        if (event.reply.reply.length > 0) this.#remember(event.reply.message_id);
        this.#reply(event.id, { type: 'done', reply: event.reply });
        return;
      case 'sources':
        this.#reply(event.id, { type: 'sources', sources: event.sources });
        return;
      case 'delta':
        this.#reply(event.id, { type: 'delta', text: event.text });
        return;
      case 'handoff':
        this.#reply(event.id, { type: 'handoff', reason: event.reason });
        return;
    }
  }

  #reply(id: string, event: ReplyEvent): void {
    const queue = this.#pending.get(id);
    if (queue === undefined) return;
    if (event.type === 'done') this.#pending.delete(id);
    queue.push(event);
  }

  #remember(id: string): void {
    this.#lastMessageId = id;
    this.#seen.add(id);
    if (this.#seen.size > 1000) this.#seen.delete(this.#seen.values().next().value!);
  }

  /** The connection is gone: fail what was in flight, then reconnect (or stop). */
  #dropped(code: number, reason: string): void {
    this.#socket = null;
    this.#stopTimers();
    this.#failPending(new KefuClientError('disconnected', 'The connection dropped before the reply was complete'), false);
    this.#emit('disconnect', { code, reason });
    if (this.#state === 'closed') return;
    if (this.#reconnect === null) {
      this.#state = 'idle';
      this.#failPending(new KefuClientError('disconnected', 'The connection dropped'), true);
      this.#rejectWaiters(new KefuClientError('disconnected', 'The connection dropped'));
      return;
    }
    this.#state = 'reconnecting';
    this.#retry(1);
  }

  #retry(attempt: number): void {
    const r = this.#reconnect!;
    if (attempt > r.maxAttempts) {
      const err = new KefuClientError('reconnect_failed', `Gave up reconnecting after ${r.maxAttempts} attempts`);
      this.#state = 'idle';
      this.#failPending(err, true);
      this.#rejectWaiters(err);
      this.#emit('error', err);
      return;
    }
    const cap = Math.min(r.maxDelayMs, r.initialDelayMs * 2 ** (attempt - 1));
    const delayMs = Math.round(cap / 2 + Math.random() * (cap / 2));
    this.#emit('reconnecting', { attempt, delayMs });
    this.#retryTimer = setTimeout(() => {
      this.#retryTimer = null;
      if (this.#state !== 'reconnecting') return;
      this.#open().catch((err: unknown) => {
        if (this.#state !== 'reconnecting') return;
        if (err instanceof KefuClientError && SESSION_GONE.has(err.code)) {
          // The session expired while away: say so, and carry on in a new one.
          this.#emit('error', err);
          this.#sessionId = undefined;
          this.#sessionToken = undefined;
          this.#lastMessageId = undefined;
          this.#retry(1);
          return;
        }
        this.#retry(attempt + 1);
      });
    }, delayMs);
  }
}
