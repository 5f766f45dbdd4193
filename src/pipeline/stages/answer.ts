import type { CacheHit } from '../../contracts/answer-cache.ts';
import { asksAboutHours } from '../../dialogue/asks-for-person.ts';
import { personLabel } from '../../dialogue/clarify.ts';
import { complaintNotice, hoursNotice } from '../handoff-responder.ts';
import { templateReply } from '../retrieval-responder.ts';
import type { AnswerPart, StageDeps, Turn } from '../turn.ts';
import { answerFromPassages } from './answer-from-passages.ts';
import { preferPassage } from './knowledge-first.ts';

/** Below this, a greeting, thanks or small-talk reading is a guess and gets no canned reply. */
const SMALL_TALK_MIN_CONFIDENCE = 0.35;

/**
 * The knowledge route's reply, streamed: the shop's hours, a template for small talk, the answer
 * cache, or retrieval and generation behind the guard; then the complaint ticket's notice and the
 * interrupted flow's question. Writes the reply's provenance, the decision and the outcome.
 */
export async function* answer(turn: Turn, deps: StageDeps): AsyncGenerator<AnswerPart> {
  const { decision, outcome, reply } = turn;
  const { nlu, asked } = decision;
  // The shop's own passage on its opening hours, or on what small talk turned out to ask, wins.
  const fromKb = await preferPassage(turn, deps);
  const hours = !fromKb && asksAboutHours(asked);
  // A thin guess at small talk ("quantum chromodynamics…" read as a goodbye at 0.17) is no
  // reason to say "you're welcome": the knowledge base gets the message instead.
  const template = fromKb || hours || (nlu.confidence < SMALL_TALK_MIN_CONFIDENCE && nlu.intent !== 'human_agent') ? null : templateReply(nlu.intent, nlu.lang, deps.options.shop);
  const hit = template === null ? await cached(turn, deps) : null;
  deps.metrics.answerCache.inc({ result: hit === null ? 'miss' : 'hit' });
  if (hours) {
    // When people are there is the shop's configuration, not a passage: answered from it.
    reply.answeredBy = 'template';
    outcome.resolved = true;
    decision.state = deps.dialogue.afterAnswer(decision.state, { confident: true, factual: false }).state;
    if (deps.businessHours.isOpen(turn.text.now)) decision.offered = [personLabel(nlu.lang)];
    yield hoursNotice(deps.businessHours.text, deps.businessHours.isOpen(turn.text.now), nlu.lang);
  } else if (template !== null) {
    // A human_agent message that is no request ("你是真人吗?", "不用转人工") may still want one later.
    if (nlu.intent === 'human_agent') decision.offered = [personLabel(nlu.lang)];
    reply.answeredBy = 'template';
    outcome.resolved = nlu.intent === 'goodbye';
    yield template;
  } else if (hit !== null) {
    reply.answeredBy = 'cache';
    reply.cachedHit = true;
    reply.servedFrom = hit.question;
    outcome.resolved = true;
    reply.sources = hit.sources;
    decision.state = deps.dialogue.afterAnswer(decision.state, { confident: true, factual: false }).state;
    yield { type: 'sources', sources: reply.sources };
    yield hit.answer;
  } else if ((yield* answerFromPassages(turn, deps)) === 'handed_off') {
    return;
  }
  if (nlu.intent === 'complaint') {
    await turn.understanding.context.requestTicket({ kind: 'complaint', summary: asked, idempotencyKey: `${turn.session.id}:complaint` });
    yield `\n${complaintNotice(nlu.lang)}`;
  }
  const chosen = decision.dialogue;
  if (chosen?.kind === 'answer' && chosen.resume !== undefined) {
    yield chosen.resume;
    outcome.answered = false;
  }
}

/**
 * Frequent questions come from the answer cache; never personal ones (the cache refuses them on
 * the pseudonymised text), never mid-flow, never complaints.
 */
async function cached(turn: Pick<Turn, 'decision'>, deps: StageDeps): Promise<CacheHit | null> {
  const { nlu, asked, dialogue } = turn.decision;
  if (deps.cache === null || dialogue?.kind !== 'answer' || dialogue.resume !== undefined || nlu.intent === 'complaint') return null;
  return deps.cache.lookupAsync(asked, { lang: nlu.lang, intent: nlu.intent });
}
