import { docIdOf } from '../../cache/answer-cache.ts';
import type { ConcludedTurn, StageDeps } from '../turn.ts';

/** Stores a reply `conclude` judged worth keeping in the answer cache, with the hashes of the documents it cites. */
export function cacheAnswer(turn: ConcludedTurn, deps: StageDeps): void {
  const { cache, metrics } = deps;
  const { reply, result, decision } = turn;
  if (cache === null) return;
  if (!result.keep) {
    if (!reply.cachedHit && !result.sound && reply.groundedOn !== null) metrics.answerCache.inc({ result: 'not_stored_unsound' });
    return;
  }
  const docHashes: Record<string, string> = {};
  for (const src of reply.sources) {
    const h = deps.currentDocHash(docIdOf(src.id));
    if (h !== null) docHashes[docIdOf(src.id)] = h;
  }
  const { lang, intent } = decision.nlu;
  if (cache.store({ question: turn.text.understood, lang, intent, answer: reply.text, sources: reply.sources, docHashes, model: result.reply.model })) metrics.answerCache.inc({ result: 'stored' });
}
