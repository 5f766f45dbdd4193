import type { ConversationStore } from '../contracts/conversation-store.ts';
import type { AnswerCache } from '../contracts/answer-cache.ts';
import { LOW_RATING } from './disputed-answer.ts';

/**
 * A session rated LOW_RATING or lower: every cached answer it was given or that it put in the
 * cache (its replies' `cacheKey`) is evicted, on every node. Returns how many were there.
 */
export async function evictRatedAnswers(cache: AnswerCache, store: Pick<ConversationStore, 'listMessages'>, sessionId: string, score: number): Promise<number> {
  if (score > LOW_RATING) return 0;
  let evicted = 0;
  for (const m of await store.listMessages(sessionId)) {
    const key = m.role === 'assistant' ? (m.meta['cacheKey'] as { question?: unknown; lang?: unknown } | undefined) : undefined;
    if (key === undefined || typeof key.question !== 'string' || (key.lang !== 'zh' && key.lang !== 'en')) continue;
    if (cache.evict(key.question, key.lang)) evicted++;
  }
  return evicted;
}
