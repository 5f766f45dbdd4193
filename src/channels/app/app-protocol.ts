import { z } from 'zod';
import type { StoredMessage } from '../../contracts/conversation-store.ts';
import type { ChatReply, ReplyPart, SourceRef } from '../../contracts/reply-part.ts';
import { SESSION_ID_PATTERN } from '../../sessions/session-id.ts';
import { AttachmentsSchema } from '../../multimodal/attachment.ts';

/**
 * The app channel's wire protocol: JSON text frames, one object each, tagged by `type`.
 * docs/app-channel.md describes it with examples; sdk/kefu-client.ts speaks the client side.
 */

const ClientId = z.string().min(1, 'id must not be empty').max(64, 'id is at most 64 characters');

export const ClientFrame = z.discriminatedUnion('type', [
  z.object({
    type: z.literal('hello'),
    /** Continue this session; without it a new one is started. */
    session_id: z.string().regex(SESSION_ID_PATTERN, 'session_id must be 1-128 characters of A-Z, a-z, 0-9, _, -, : or .').optional(),
    user_id: z.string().min(1).max(128).optional(),
    /** hex HMAC-SHA256 of user_id (required when the server has KEFU_USER_ID_SECRET). */
    user_sig: z.string().max(128).optional(),
    /** The token `ready` gave when the session was created: resuming it needs this (or a key). */
    session_token: z.string().min(1).max(128).optional(),
    /** Resume: the newest message the client has; the ones stored after it are sent again. */
    last_message_id: z.string().min(1).max(128).optional(),
  }),
  z.object({
    type: z.literal('message'),
    id: ClientId,
    /** May be empty when an attachment carries the question. */
    text: z.string({ error: 'text must be a string' }),
    /** A picture and/or a recording, as on POST /v1/chat (docs/multimodal.md). */
    attachments: AttachmentsSchema.optional(),
  }),
  z.object({ type: z.literal('ping') }),
  z.object({ type: z.literal('typing') }),
]);

export type ClientFrame = z.infer<typeof ClientFrame>;

/** A stored message as the app sees it (the same shape as GET /v1/chat/sessions/:id/messages). */
export interface AppMessage {
  id: string;
  role: StoredMessage['role'];
  content: string;
  created_at: string;
}

/** Everything the server sends. Reply events carry the `id` of the client message they answer. */
export type ServerEvent =
  /** `session_token` only when this hello created the session: keep it to resume. */
  | { type: 'ready'; session_id: string; resumed: boolean; session_token?: string }
  | { type: 'ack'; id: string }
  | { type: 'sources'; id: string; sources: SourceRef[] }
  | { type: 'delta'; id: string; text: string }
  | { type: 'handoff'; id: string; reason: string }
  | { type: 'done'; id: string; reply: ChatReply }
  | { type: 'message'; message: AppMessage }
  | { type: 'error'; code: string; message: string; id?: string }
  | { type: 'pong' };

export const toAppMessage = (m: StoredMessage): AppMessage => ({ id: m.id, role: m.role, content: m.content, created_at: new Date(m.createdAt).toISOString() });

/** A stored agent reply or notice as a `message` event, for `broadcastToSession`. */
export const messageEvent = (m: StoredMessage): ServerEvent => ({ type: 'message', message: toAppMessage(m) });

/** The renderer of the pipeline's reply stream for this channel. */
export function replyEvent(id: string, part: ReplyPart): ServerEvent {
  switch (part.type) {
    case 'text-delta': return { type: 'delta', id, text: part.text };
    case 'sources': return { type: 'sources', id, sources: part.sources };
    case 'handoff': return { type: 'handoff', id, reason: part.reason };
    case 'done': return { type: 'done', id, reply: part.reply };
    case 'error': return { type: 'error', id, code: part.code, message: part.message };
  }
}

/** Reads one text frame: malformed JSON or an unknown shape is a `{code, message}` to send back. */
export function parseClientFrame(text: string): { ok: true; frame: ClientFrame } | { ok: false; code: string; message: string; id?: string } {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    return { ok: false, code: 'invalid_json', message: 'frames must be JSON objects' };
  }
  const parsed = ClientFrame.safeParse(json);
  if (parsed.success) return { ok: true, frame: parsed.data };
  const issue = parsed.error.issues[0];
  const where = issue !== undefined && issue.path.length > 0 ? `${issue.path.join('.')}: ` : '';
  // Echo a usable client id so the SDK can fail the right pending reply.
  const id = typeof json === 'object' && json !== null && 'id' in json && typeof json.id === 'string' && json.id.length <= 64 ? json.id : undefined;
  return { ok: false, code: 'invalid_message', message: `${where}${issue?.message ?? 'invalid frame'}`, ...(id === undefined ? {} : { id }) };
}
