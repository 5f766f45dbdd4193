import type { Emotion } from '../contracts/reply-part.ts';
import { LOW_RATING, disputeOf, type Dispute } from './disputed-answer.ts';

/** Why a stored reply is not kept: not cached, not warmed from the logs, not a training target. */
export type UnsoundReason = 'fallback' | 'replaced' | 'unsound' | Dispute;

/** A stored message as the checks read it: its text and meta. */
export interface ReplyView {
  content: string;
  meta: Record<string, unknown>;
}

/**
 * Whether a stored reply may be kept, from what the pipeline recorded with it (`fallback`, `guard`,
 * `sound`, `strict`) and what followed it: the customer's next turn (`disputeOf`) and the
 * session's rating. Human agents' replies answer only for what followed them. Null: keep it.
 */
export function unsoundReason(reply: ReplyView & { role: string }, context: { question?: ReplyView | undefined; next?: ReplyView | undefined; rating?: number | null | undefined }): UnsoundReason | null {
  if (reply.role === 'assistant') {
    const m = reply.meta;
    if (m['fallback'] !== undefined && m['fallback'] !== null) return 'fallback';
    if (Array.isArray(m['guard']) && m['guard'].length > 0) return 'replaced';
    if (m['sound'] === false || (Array.isArray(m['strict']) && m['strict'].length > 0)) return 'unsound';
  }
  if (context.rating !== undefined && context.rating !== null && context.rating <= LOW_RATING) return 'low_rating';
  if (context.next !== undefined) {
    const emotion = context.next.meta['emotion'] as Partial<Emotion> | undefined;
    return disputeOf(context.question?.content ?? '', { text: context.next.content, intent: context.next.meta['intent'], emotion });
  }
  return null;
}
