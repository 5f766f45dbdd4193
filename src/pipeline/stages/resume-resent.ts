import type { ChatReply, Emotion, ReplyPart, SourceRef } from '../../contracts/reply-part.ts';
import type { StageDeps, Turn } from '../turn.ts';

/**
 * A resend (the connection broke, a node died) is answered from the transcript if it was
 * answered: the parts to send back. Otherwise the turn goes on, and `session.resent` is the
 * stored message, so it is not stored a second time.
 */
export async function resumeResent(turn: Pick<Turn, 'req' | 'session'>, deps: StageDeps): Promise<ReplyPart[] | null> {
  const { req, session } = turn;
  if (req.clientMessageId === undefined) return null;
  const recent = await deps.sessions.recent(session.id, 40);
  const user = recent.find((m) => m.role === 'user' && m.meta['clientMessageId'] === req.clientMessageId) ?? null;
  const answered = user === null ? undefined : recent.find((m) => m.role === 'assistant' && m.meta['replyTo'] === user.id);
  if (user === null || answered === undefined) {
    session.resent = user;
    return null;
  }
  const text = session.vault.revealAll(answered.content);
  const m = answered.meta;
  const reply: ChatReply = {
    session_id: session.id,
    message_id: answered.id,
    reply: text,
    intent: (m['intent'] as ChatReply['intent'] | undefined) ?? 'other',
    emotion: (user.meta['emotion'] as Emotion | undefined) ?? { label: 'neutral', intensity: 0 },
    handoff: false,
    sources: (m['sources'] as SourceRef[] | undefined) ?? [],
    cached: false,
    ...(m['flow'] === undefined ? {} : { flow: m['flow'] as { name: string; step: string } }),
    model: String(m['model'] ?? 'retrieval'),
    replayed: true,
  };
  return [{ type: 'text-delta', text }, { type: 'done', reply }];
}
