import { createHmac, timingSafeEqual } from 'node:crypto';
import { ServerResponse } from 'node:http';
import { Hono, type Context, type MiddlewareHandler } from 'hono';
import { sseResponse } from '../sse-response.ts';
import { z } from 'zod';
import type { ReplyPart } from '../../contracts/reply-part.ts';
import { KefuError, badRequest } from '../../errors.ts';
import type { Logger } from '../../logging/create-logger.ts';
import type { Metrics } from '../../metrics/create-metrics.ts';
import type { ChatPipeline, ChatRequest } from '../../pipeline/chat-pipeline.ts';
import type { AppEnv } from '../app-env.ts';
import type { Principal } from '../auth.ts';
import { toErrorResponse } from '../error-handler.ts';
import { codePointLength } from '../code-point-length.ts';
import { readJsonBody } from '../read-json-body.ts';
import { AttachmentsSchema } from '../../multimodal/attachment.ts';
import { readTurn, type AttachmentReaders } from '../../multimodal/read-attachments.ts';
import { requestSessionAccess } from '../request-session-access.ts';

export const CHANNELS = ['web', 'app', 'api', 'wecom', 'cli'] as const;

const ChatBody = z.object({
  /** May be empty when an attachment carries the question (a label photo, a voice message). */
  message: z.string({ error: 'message must be a string' }).optional(),
  /** At most one image and one audio (docs/multimodal.md). */
  attachments: AttachmentsSchema.optional(),
  session_id: z.string().min(1).max(128).optional(),
  /** Issued with the session; continuing it needs this (or the header, or a key). */
  session_token: z.string().min(1).max(128).optional(),
  user_id: z.string().min(1).max(128).optional(),
  /** hex HMAC-SHA256 of user_id with KEFU_USER_ID_SECRET, made by the shop's backend. */
  user_sig: z.string().max(128).optional(),
  /** The client's id for this message: a resend with the same id never makes a second turn. */
  client_message_id: z.string().min(1).max(100).optional(),
  channel: z.enum(CHANNELS).optional(),
  stream: z.boolean().optional(),
  /** The page's language: how a first message that does not show its own is answered. */
  locale: z.enum(['zh-Hans', 'zh-Hant', 'en']).optional(),
});

export function checkMessage(message: string, maxChars: number): string {
  const trimmed = message.trim();
  if (trimmed.length === 0) throw badRequest('empty_message', 'message must not be empty');
  // Never more code points than UTF-16 units: only a long message needs counting.
  const chars = trimmed.length > maxChars ? codePointLength(trimmed) : trimmed.length;
  if (chars > maxChars) {
    throw badRequest('message_too_long', `message is ${chars} characters; the limit is ${maxChars}`);
  }
  return trimmed;
}

/** The Node response under a request served by @hono/node-server (`c.env.outgoing`). */
function nodeResponse(env: unknown): ServerResponse | null {
  if (typeof env !== 'object' || env === null || !('outgoing' in env)) return null;
  return env.outgoing instanceof ServerResponse ? env.outgoing : null;
}

/**
 * Links the client connection to generation: a closed connection aborts the model call. Read
 * from the Node response's 'close' (a response closed before it finished is a disconnect):
 * `c.req.raw.signal` would build an undici Request and its signal for every request (issue 16).
 * Without a Node response (`app.request` in tests) the Request's signal is used.
 */
export function abortOnDisconnect(c: Context): AbortController {
  const controller = new AbortController();
  const res = nodeResponse(c.env);
  if (res === null) {
    const raw = c.req.raw;
    if (raw.signal.aborted) controller.abort();
    else raw.signal.addEventListener('abort', () => controller.abort(), { once: true });
    return controller;
  }
  const onClose = (): void => {
    if (!res.writableFinished) controller.abort();
  };
  if (res.destroyed || res.socket?.destroyed === true) onClose();
  else res.once('close', onClose);
  return controller;
}

const sseEvent = (part: ReplyPart): { event: string; data: string } => {
  switch (part.type) {
    case 'text-delta': return { event: 'delta', data: JSON.stringify({ text: part.text }) };
    case 'sources': return { event: 'sources', data: JSON.stringify({ sources: part.sources }) };
    case 'handoff': return { event: 'handoff', data: JSON.stringify({ reason: part.reason }) };
    case 'done': return { event: 'done', data: JSON.stringify(part.reply) };
    case 'error': return { event: 'error', data: JSON.stringify({ code: part.code, message: part.message }) };
  }
};

/**
 * Order flows show a customer's orders by user id, so on a public endpoint the id must be vouched
 * for: with a secret configured, the shop's backend signs it and unsigned ids are refused.
 */
export function checkUserSignature(userId: string | undefined, sig: string | undefined, secret: string | null): void {
  if (secret === null || userId === undefined) return;
  if (sig === undefined) throw new KefuError('user_signature_required', 'user_id must come with user_sig (HMAC-SHA256 of user_id with the shared secret, hex)', { status: 401 });
  const expected = createHmac('sha256', secret).update(userId).digest();
  const given = Buffer.from(sig, 'hex');
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) {
    throw new KefuError('invalid_user_signature', 'user_sig does not match user_id', { status: 401 });
  }
}

/**
 * The size of a body already read: its declared length, or, for a chunked one (no length up front),
 * the text it was parsed from, which Hono keeps (read within the route's own body limit).
 */
async function bodyBytes(c: Context): Promise<number> {
  const declared = c.req.header('content-length');
  return declared === undefined ? Buffer.byteLength(await c.req.text()) : Number(declared);
}

/** A channel or agent key puts the conversation in its tenant; admins and the public web use `default`. */
export function tenantOf(p: Principal | undefined): { tenant?: string } {
  return p === undefined || p.tenant === null ? {} : { tenant: p.tenant };
}

export function chatRoutes(deps: { pipeline: ChatPipeline; maxMessageChars: number; logger: Logger; metrics: Metrics; userIdSecret: string | null; channel: MiddlewareHandler<AppEnv>; attachments?: AttachmentReaders; maxTextBodyBytes?: number }) {
  const app = new Hono<AppEnv>();

  app.post('/v1/chat', deps.channel, async (c) => {
    const body = await readJsonBody(c, ChatBody);
    // The body limit on this route leaves room for a picture; a text-only turn keeps the general one.
    if (deps.maxTextBodyBytes !== undefined && (body.attachments === undefined || body.attachments.length === 0) && (await bodyBytes(c)) > deps.maxTextBodyBytes) {
      throw new KefuError('payload_too_large', `Request body exceeds ${deps.maxTextBodyBytes} bytes`, { status: 413 });
    }
    checkUserSignature(body.user_id, body.user_sig, deps.userIdSecret);
    // Pictures are read (and recordings heard) before the turn: what they say is part of its text.
    const { message, attachments } = await readTurn(body.message, body.attachments, deps.attachments, (m) => checkMessage(m, deps.maxMessageChars));
    const controller = abortOnDisconnect(c);
    const req: ChatRequest = {
      message,
      channel: body.channel ?? 'web',
      signal: controller.signal,
      ...(body.session_id === undefined ? {} : { sessionId: body.session_id, access: requestSessionAccess(c, body.session_token) }),
      ...(body.user_id === undefined ? {} : { userId: body.user_id }),
      ...tenantOf(c.get('principal')),
      ...(body.client_message_id === undefined ? {} : { clientMessageId: body.client_message_id }),
      ...(body.locale === undefined ? {} : { locale: body.locale }),
      ...(attachments === undefined ? {} : { attachments }),
    };
    const wantsStream = body.stream === true || (c.req.header('accept') ?? '').includes('text/event-stream');
    // A voice message's words go back with the reply: the customer's bubble shows what was heard.
    const transcript = attachments?.find((a) => a.type === 'audio')?.text;
    const heard = (part: ReplyPart): ReplyPart => (transcript !== undefined && part.type === 'done' ? { type: 'done', reply: Object.assign({}, part.reply, { transcript }) } : part);
    if (!wantsStream) {
      const reply = await deps.pipeline.run(req);
      return c.json(transcript === undefined ? reply : Object.assign({}, reply, { transcript }));
    }

    // Open the session before committing to 200 so that an unknown one is still a 4xx; the
    // headers then go out at once instead of after NLU and retrieval (issue 16).
    let opened: () => void = () => {};
    const sessionOpen = new Promise<null>((resolve) => (opened = () => resolve(null)));
    const parts = deps.pipeline.stream(Object.assign(req, { onOpened: () => opened() }));
    const next = parts.next();
    const first = await Promise.race([next, sessionOpen]);
    return sseResponse(c, async (stream) => {
      stream.onAbort(() => controller.abort());
      deps.metrics.activeStreams.inc();
      try {
        const part = first ?? (await next);
        if (!part.done) await stream.writeSSE(sseEvent(heard(part.value)));
        for await (const part of parts) {
          if (stream.aborted) break;
          await stream.writeSSE(sseEvent(heard(part)));
        }
      } catch (err) {
        const { body: errBody } = toErrorResponse(err, deps.logger);
        deps.metrics.errors.inc({ code: errBody.error.code });
        if (!stream.aborted) await stream.writeSSE(sseEvent({ type: 'error', ...errBody.error }));
      } finally {
        deps.metrics.activeStreams.dec();
        controller.abort();
      }
    });
  });

  return app;
}
