import { isRetract } from '../grounding-gate.ts';
import type { AnswerPart, StageDeps, Turn } from '../turn.ts';
import { systemPromptsFor } from '../prompt-builder.ts';
import { replaceStopped } from './safe-reply.ts';

/**
 * Every part the customer sees is the reply, whichever route produced it. Model text was guarded
 * sentence by sentence as it was generated, a quoted answer when it was built; Kefu's own texts
 * (templates, flows, cited passages) get the same checks here as a backstop, with their
 * commitments taken as confirmed. A stopped
 * text becomes the safe reply. Stops when the customer went away. A cached answer is served again
 * and again: the guard remembers the verdicts on it that do not depend on who asks.
 */
export async function* guardOutput(turn: Pick<Turn, 'req' | 'decision' | 'reply'>, deps: StageDeps, parts: AsyncIterable<AnswerPart> | Iterable<AnswerPart>): AsyncGenerator<AnswerPart> {
  const { reply, decision } = turn;
  for await (const text of parts) {
    if (isRetract(text) || typeof text !== 'string') {
      yield text;
      continue;
    }
    if (turn.req.signal?.aborted) return;
    if (text.length === 0) continue;
    if (reply.guarded) {
      yield text;
      continue;
    }
    const v = deps.outputGuard.check(text, { trusted: reply.sources.length > 0 ? text : '', given: decision.asked, systemPrompts: systemPromptsFor(deps.options.shop), commitmentsConfirmed: true, stored: reply.cachedHit });
    yield v.length === 0 ? text : replaceStopped(turn, deps, v);
  }
}
