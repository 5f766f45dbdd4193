import WebSocket from 'ws';
import { DEFAULT_TENANT, type ConversationStore } from '../../contracts/conversation-store.ts';
import type { Logger } from '../../logging/create-logger.ts';
import type { Metrics } from '../../metrics/create-metrics.ts';
import type { ChatPipeline } from '../../pipeline/chat-pipeline.ts';
import type { Principal } from '../../server/auth.ts';
import { toErrorResponse } from '../../server/error-handler.ts';
import { checkMessage, checkUserSignature } from '../../server/routes/chat-routes.ts';
import { readTurn, type AttachmentReaders, type TurnAttachment } from '../../multimodal/read-attachments.ts';
import type { SessionManager } from '../../sessions/session-manager.ts';
import { parseClientFrame, replyEvent, toAppMessage, type AppMessage, type ClientFrame, type ServerEvent } from './app-protocol.ts';
import type { SessionWatcher } from './session-watcher.ts';

export interface ConnectionContext {
  pipeline: ChatPipeline;
  sessions: SessionManager;
  store: ConversationStore;
  logger: Logger;
  metrics?: Pick<Metrics, 'activeStreams' | 'errors'>;
  maxMessageChars: number;
  userIdSecret: string | null;
  /** Readers of pictures and recordings sent with a message; absent: text only. */
  attachments?: AttachmentReaders;
  watcher: SessionWatcher;
  /** Takes one message from the client's budget; false: refuse it as `rate_limited`. */
  takeMessage(): boolean;
  /** A client that lets this much pile up unread is cut off. */
  maxBufferedBytes: number;
  onClose(conn: AppConnection): void;
}

export interface AppConnection {
  readonly ws: WebSocket;
  readonly sessionId: string | null;
  /** Heartbeat pings not yet answered; any frame or pong from the client resets it. */
  missed: number;
  send(event: ServerEvent): boolean;
  /** A stored message for this session: sent once, however often it arrives (push, poll, replay). */
  deliver(message: AppMessage): void;
  /** Aborts the reply in progress, if any. */
  abort(): void;
  /** Resolves once the reply in progress, if any, has finished. */
  settled(): Promise<void>;
}

/** Bot replies, agent replies and notices: what resume replays (the client has its own messages). */
const REPLAYED: ReadonlySet<string> = new Set(['assistant', 'agent', 'system']);
/** Message ids a connection remembers to drop duplicates between push, poll and replay. */
const SEEN_LIMIT = 500;

const frameText = (data: WebSocket.RawData): string =>
  Buffer.isBuffer(data) ? data.toString('utf8') : Array.isArray(data) ? Buffer.concat(data).toString('utf8') : Buffer.from(data).toString('utf8');

/** A connection's state and its ways to answer the client, shared by the frame handlers below. */
interface ConnectionState {
  readonly ws: WebSocket;
  readonly principal: Principal | null;
  readonly ctx: ConnectionContext;
  readonly tenant: string;
  readonly log: Logger;
  session: { id: string; userId: string | undefined } | null;
  current: { id: string; controller: AbortController } | null;
  generation: Promise<void>;
  unwatch: (() => void) | null;
  send(event: ServerEvent): boolean;
  refuse(code: string, message: string, id?: string): boolean;
  sendError(err: unknown, id?: string): void;
  deliver(message: AppMessage): void;
  remember(id: string): boolean;
}

/** `hello`: binds the connection to a session (new or resumed) and replays what the client missed. */
async function hello(st: ConnectionState, frame: Extract<ClientFrame, { type: 'hello' }>): Promise<void> {
  if (st.session !== null) {
    st.refuse('already_ready', `This connection is already in session ${st.session.id}; open another to start a new one`);
    return;
  }
  checkUserSignature(frame.user_id, frame.user_sig, st.ctx.userIdSecret);
  // The session manager's checks: tenant, user, expiry, id format; a new session without an id.
  const conversation = await st.ctx.sessions.open({
    tenant: st.tenant,
    channel: 'app',
    // A key opens its tenant's sessions; a customer's socket, the session whose token it has.
    access: st.principal !== null ? { trusted: true } : frame.session_token === undefined ? {} : { token: frame.session_token },
    ...(frame.session_id === undefined ? {} : { sessionId: frame.session_id }),
    ...(frame.user_id === undefined ? {} : { userId: frame.user_id }),
  });
  const all = await st.ctx.store.listMessages(conversation.id);
  const after = frame.last_message_id === undefined ? all.length : all.findIndex((m) => m.id === frame.last_message_id) + 1;
  if (st.ws.readyState !== WebSocket.OPEN) return;
  st.session = { id: conversation.id, userId: frame.user_id };
  // What the client already has is not pushed again.
  for (const m of all.slice(0, after)) st.remember(m.id);
  st.send({ type: 'ready', session_id: conversation.id, resumed: frame.session_id !== undefined, ...(conversation.issuedToken === undefined ? {} : { session_token: conversation.issuedToken }) });
  if (after === 0 && frame.last_message_id !== undefined) {
    st.refuse('message_not_found', `No message ${frame.last_message_id} in session ${conversation.id}: nothing was replayed (GET /v1/chat/sessions/${conversation.id}/messages has the transcript)`);
  } else {
    for (const m of all.slice(after)) if (REPLAYED.has(m.role)) st.deliver(toAppMessage(m));
  }
  st.unwatch = st.ctx.watcher.watch(conversation.id, { deliver: st.deliver }, all.at(-1)?.id ?? null);
  st.log.debug({ sessionId: conversation.id, resumed: frame.session_id !== undefined }, 'app socket: ready');
}

/** Streams one reply from the pipeline to the client; aborted when the socket closes. */
async function answer(st: ConnectionState, s: { id: string; userId: string | undefined }, mine: { id: string; controller: AbortController }, text: string, attachments?: TurnAttachment[]): Promise<void> {
  const idle = () => {
    if (st.current === mine) st.current = null;
  };
  st.ctx.metrics?.activeStreams.inc();
  try {
    const parts = st.ctx.pipeline.stream({
      message: text,
      ...(attachments === undefined ? {} : { attachments }),
      sessionId: s.id,
      ...(s.userId === undefined ? {} : { userId: s.userId }),
      tenant: st.tenant,
      channel: 'app',
      // This connection proved its claim on the session at hello.
      access: { trusted: true },
      signal: mine.controller.signal,
    });
    // A voice message's words go back with the reply, as on /v1/chat: the app shows what was heard.
    const transcript = attachments?.find((a) => a.type === 'audio')?.text;
    // After a close the sends are no-ops: the pipeline, aborted, still records what was said.
    for await (const part of parts) {
      if (part.type === 'done' || part.type === 'error') idle();
      if (part.type === 'done' && part.reply.reply.length > 0) st.remember(part.reply.message_id);
      st.send(replyEvent(mine.id, transcript !== undefined && part.type === 'done' ? { type: 'done', reply: Object.assign({}, part.reply, { transcript }) } : part));
    }
  } catch (err) {
    idle();
    if (mine.controller.signal.aborted) st.log.debug({ err, sessionId: s.id }, 'app socket: aborted reply ended with an error');
    else st.sendError(err, mine.id);
  } finally {
    idle();
    st.ctx.metrics?.activeStreams.dec();
  }
}

/** `message`: checked, acknowledged, then answered beside the inbox (one at a time). */
function message(st: ConnectionState, frame: Extract<ClientFrame, { type: 'message' }>): void {
  if (st.session === null) {
    st.refuse('not_ready', 'Send {"type":"hello"} first and wait for ready', frame.id);
    return;
  }
  if (st.current !== null) {
    st.refuse('busy', `Still answering message ${st.current.id}: send the next one after its done event`, frame.id);
    return;
  }
  const check = (m: string) => checkMessage(m, st.ctx.maxMessageChars);
  let text: string;
  try {
    text = frame.attachments === undefined || frame.attachments.length === 0 ? check(frame.text) : '';
  } catch (err) {
    st.sendError(err, frame.id);
    return;
  }
  if (!st.ctx.takeMessage()) {
    st.refuse('rate_limited', 'Too many messages from this client; wait a minute', frame.id);
    return;
  }
  const mine = { id: frame.id, controller: new AbortController() };
  st.current = mine;
  st.send({ type: 'ack', id: frame.id });
  if (frame.attachments === undefined || frame.attachments.length === 0) {
    st.generation = answer(st, st.session, mine, text);
    return;
  }
  // Pictures are read before the turn, as on /v1/chat; a refusal ends this message only.
  const s = st.session;
  st.generation = readTurn(frame.text, frame.attachments, st.ctx.attachments, check).then(
    (turn) => answer(st, s, mine, turn.message, turn.attachments),
    (err: unknown) => {
      if (st.current === mine) st.current = null;
      st.sendError(err, frame.id);
    },
  );
}

/**
 * Sends an event if the socket is open; a client that lets too much pile up unread, or whose
 * write fails, is cut off.
 */
function sender(ws: WebSocket, maxBufferedBytes: number, log: Logger, sessionId: () => string | undefined): (event: ServerEvent) => boolean {
  return (event) => {
    if (ws.readyState !== WebSocket.OPEN) return false;
    if (ws.bufferedAmount > maxBufferedBytes) {
      log.warn({ sessionId: sessionId(), buffered: ws.bufferedAmount }, 'app socket: client is not reading, closing it');
      ws.terminate();
      return false;
    }
    ws.send(JSON.stringify(event), (err) => {
      if (err === undefined || err === null) return;
      log.warn({ err, sessionId: sessionId() }, 'app socket: write failed, closing');
      ws.terminate();
    });
    return true;
  };
}

/** Message ids seen on this connection (the last SEEN_LIMIT): true the first time an id comes. */
function rememberer(): (id: string) => boolean {
  const seen = new Set<string>();
  return (id) => {
    if (seen.has(id)) return false;
    seen.add(id);
    if (seen.size > SEEN_LIMIT) seen.delete(seen.values().next().value!);
    return true;
  };
}

/**
 * One app connection: `hello` binds it to a session (new or resumed, with the missed messages
 * replayed), each `message` streams one reply from the pipeline, and closing the socket aborts
 * the reply being generated. Frames are handled in order, so a message sent right behind its
 * hello waits for the session; a reply runs beside the inbox so `ping` and `busy` answer at once.
 */
export function openConnection(ws: WebSocket, principal: Principal | null, ctx: ConnectionContext): AppConnection {
  const tenant = principal?.tenant ?? DEFAULT_TENANT;
  const log = ctx.logger.child({ channel: 'app', keyId: principal?.keyId ?? null });
  let inbox: Promise<void> = Promise.resolve();

  const remember = rememberer();

  const send = sender(ws, ctx.maxBufferedBytes, log, () => st.session?.id);

  const refuse = (code: string, message: string, id?: string) => send({ type: 'error', code, message, ...(id === undefined ? {} : { id }) });

  /** Any thrown error as an error event; internal details stay in the log. */
  const sendError = (err: unknown, id?: string) => {
    const { body } = toErrorResponse(err, log);
    ctx.metrics?.errors.inc({ code: body.error.code });
    refuse(body.error.code, body.error.message, id);
  };

  function deliver(message: AppMessage): void {
    if (st.session === null || !remember(message.id)) return;
    send({ type: 'message', message });
  }
  // What the frame handlers (hello, message, answer) read and change: one object, not closures.
  const st: ConnectionState = { ws, principal, ctx, tenant, log, session: null, current: null, generation: Promise.resolve(), unwatch: null, send, refuse, sendError, deliver, remember };

  async function handle(frame: ClientFrame): Promise<void> {
    switch (frame.type) {
      case 'hello': return hello(st, frame);
      case 'message': return message(st, frame);
      case 'ping': send({ type: 'pong' }); return;
      // Accepted for clients that send it; nothing listens yet (no agent console on sockets).
      case 'typing': return;
    }
  }

  const conn: AppConnection = {
    ws,
    get sessionId() {
      return st.session?.id ?? null;
    },
    missed: 0,
    send,
    deliver,
    abort: () => st.current?.controller.abort(),
    settled: () => st.generation,
  };

  ws.on('message', (data, isBinary) => {
    conn.missed = 0;
    if (isBinary) {
      refuse('invalid_message', 'Frames must be JSON text, not binary');
      return;
    }
    const parsed = parseClientFrame(frameText(data));
    if (!parsed.ok) {
      refuse(parsed.code, parsed.message, parsed.id);
      return;
    }
    const { frame } = parsed;
    inbox = inbox.then(() => handle(frame)).catch((err: unknown) => sendError(err, frame.type === 'message' ? frame.id : undefined));
  });
  ws.on('pong', () => {
    conn.missed = 0;
  });
  ws.on('error', (err) => log.debug({ err, sessionId: st.session?.id }, 'app socket: connection error'));
  ws.on('close', (code) => {
    conn.abort();
    st.unwatch?.();
    ctx.onClose(conn);
    log.debug({ sessionId: st.session?.id, code }, 'app socket: closed');
  });
  return conn;
}
