import type { Passage } from '../../contracts/knowledge-base.ts';
import type { SourceRef } from '../../contracts/reply-part.ts';
import { personLabel } from '../../dialogue/clarify.ts';
import { isConfidentPassage } from '../../knowledge/confidence.ts';
import { noAnswerReply } from '../retrieval-responder.ts';
import type { AnswerPart, StageDeps, Turn } from '../turn.ts';
import { generateAnswer } from './generate-answer.ts';
import { handOff } from './hand-off.ts';

/** An untrusted passage is listed without its title or link: both are its writer's, not the shop's. */
const UNVERIFIED_SOURCE = '未核实资料 / unverified';

const toSource = (p: Passage): SourceRef => ({
  id: p.id,
  title: p.trust === 'untrusted' ? UNVERIFIED_SOURCE : p.title,
  score: Math.round(p.score * 1000) / 1000,
  ...(p.url === undefined || p.trust === 'untrusted' ? {} : { url: p.url }),
});

/** Questions about facts the shop must get right: a miss on one goes to a person. */
const FACTUAL = new Set(['product_question', 'price_coupon', 'payment_problem', 'logistics', 'invoice', 'refund', 'return', 'exchange']);

/**
 * Retrieval: confident passages answer (generated or quoted); with none, a known customer's
 * orders may (`startWhenUnanswered`), else the customer hears so, or meets a person when the
 * dialogue says misses have gone on long enough ('handed_off': nothing follows the notice).
 */
export async function* answerFromPassages(turn: Turn, deps: StageDeps): AsyncGenerator<AnswerPart, 'answered' | 'handed_off'> {
  const { decision, outcome, reply } = turn;
  const { nlu } = decision;
  const passages = await deps.kb.search(decision.askedQuery, deps.options.topK);
  const confident = passages.filter((p) => isConfidentPassage(p, deps.options.minPassageConfidence));
  deps.metrics.kbRetrievals.inc({ result: confident.length > 0 ? 'hit' : 'miss' });
  reply.sources = confident.map(toSource);
  yield { type: 'sources', sources: reply.sources };
  const chosen = decision.dialogue;
  const inFlow = chosen?.kind === 'answer' && chosen.resume !== undefined;
  const fromOrders = confident.length === 0 && chosen?.kind === 'answer' && !inFlow ? await deps.dialogue.startWhenUnanswered(Object.assign({}, turn.understanding.context, { nlu }), decision.state) : null;
  if (fromOrders?.kind === 'reply') {
    decision.state = fromOrders.state;
    decision.flow = fromOrders.flow;
    if (fromOrders.event !== undefined && fromOrders.flow !== undefined) deps.metrics.flowEvents.inc({ flow: fromOrders.flow.name, event: fromOrders.event });
    outcome.resolved = fromOrders.event === 'completed' || fromOrders.event === 'ended';
    outcome.answered = fromOrders.state.flow === null;
    decision.offered = fromOrders.quickReplies ?? [];
    yield fromOrders.text;
  } else if (confident.length === 0) {
    outcome.unanswered = true;
    const after = deps.dialogue.afterAnswer(decision.state, { confident: false, factual: FACTUAL.has(nlu.intent) && !inFlow });
    decision.state = after.state;
    if (after.handoff !== null) {
      yield await handOff(turn, deps, after.handoff, after.state);
      return 'handed_off';
    }
    outcome.answered = false;
    decision.offered = [personLabel(nlu.lang)];
    yield noAnswerReply(nlu.lang);
  } else {
    decision.state = deps.dialogue.afterAnswer(decision.state, { confident: true, factual: false }).state;
    outcome.resolved = true;
    yield* generateAnswer(turn, deps, confident);
  }
  return 'answered';
}
