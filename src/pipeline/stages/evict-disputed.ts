import type { NluResult } from '../../contracts/nlu.ts';
import { disputeOf } from '../../cache/disputed-answer.ts';
import type { StageDeps } from '../turn.ts';

/**
 * Drops the cached answer the last reply came from or went into when this turn, the next the
 * customer sent after it, disputes it (see `disputeOf`): the same question again, a complaint,
 * dissatisfaction. The eviction reaches every node, so the next customer does not get it.
 */
export async function evictDisputed(deps: StageDeps, sessionId: string, text: string, nlu: NluResult): Promise<void> {
  const { cache, sessions, metrics, logger } = deps;
  if (cache === null) return;
  const recent = await sessions.recent(sessionId, 6);
  const last = recent.findLast((m) => m.role === 'assistant' || m.role === 'user');
  const key = last?.role === 'assistant' ? (last.meta['cacheKey'] as { question?: unknown; lang?: unknown } | undefined) : undefined;
  if (key === undefined || typeof key.question !== 'string' || (key.lang !== 'zh' && key.lang !== 'en')) return;
  const question = recent.find((m) => m.id === last!.meta['replyTo'])?.content;
  if (question === undefined) return;
  const dispute = disputeOf(question, { text, intent: nlu.intent, emotion: nlu.emotion });
  if (dispute === null) return;
  if (cache.evict(key.question, key.lang)) metrics.answerCache.inc({ result: 'evicted' });
  logger.info({ sessionId, dispute }, 'answer cache: evicted a disputed answer');
}
