import type { ChatReply, ReplyPart } from '../../contracts/reply-part.ts';
import { CHANNELS_NEEDING_AI_LABEL, aiLabelLine } from '../../audit/ai-label.ts';
import { isCacheable } from '../../cache/cacheable.ts';
import { orderMemoryFields } from '../../dialogue/order-reference/order-memory.ts';
import { timeOrderedId } from '../../ids/time-ordered-id.ts';
import { quickReplies } from '../../dialogue/quick-replies.ts';
import { maskPii } from '../../safety/pii/mask-pii.ts';
import { strictGroundingFailures } from '../grounding-check.ts';
import type { Conclusion, StageDeps, Turn } from '../turn.ts';

/**
 * Settles the turn once the reply is shown: whether it is sound (nothing replaced or fallen back,
 * and a knowledge reply passes the strict check; only a sound reply is cached, exported for
 * training or counts as resolving the conversation), the AI label plain-text channels carry in
 * the text, the handoff part, and the reply and state to keep.
 */
export async function* conclude(turn: Turn, deps: StageDeps): AsyncGenerator<ReplyPart, Conclusion> {
  const { req, decision, outcome, reply } = turn;
  if (req.signal?.aborted) reply.gen.finishReason = 'abort';
  const replaced = reply.guardDecisions.length > 0 || reply.gen.fallback !== null;
  const strict = reply.groundedOn === null || reply.text.length === 0 ? [] : strictGroundingFailures(reply.text, reply.groundedOn, reply.sources.length);
  const sound = !replaced && strict.length === 0;
  if (!sound) {
    outcome.resolved = false;
    outcome.answered = false;
  }
  // Plain-text channels (WeCom) carry the AI-generated label in the text itself.
  if (reply.text.length > 0 && CHANNELS_NEEDING_AI_LABEL.has(req.channel)) {
    const label = turn.text.render(`\n${aiLabelLine(decision.nlu.lang)}`);
    reply.text += `\n${aiLabelLine(decision.nlu.lang)}`;
    reply.rendered += label;
    reply.shown += label;
    yield { type: 'text-delta', text: label };
  }
  if (decision.handoff && decision.handoffReason !== null) yield { type: 'handoff', reason: decision.handoffReason };
  return Object.assign(composeReply(turn, deps), { sound, replaced, strict }, cacheVerdict(turn, deps, sound, replaced));
}

function composeReply(turn: Turn, deps: StageDeps): Pick<Conclusion, 'reply' | 'messageId' | 'nextState' | 'maskedReply'> {
  const { session, decision, reply, understanding } = turn;
  const { nlu, flow } = decision;
  const { conversation, vault } = session;
  const messageId = timeOrderedId();
  const quick = (decision.offered.length > 0 ? decision.offered : quickReplies(flow, decision.state, nlu.lang)).map(turn.text.render);
  const { gen, answeredBy } = reply;
  const model = gen.fallback !== null ? 'retrieval' : answeredBy === deps.modelId && deps.model !== null ? deps.modelId : answeredBy ?? (flow !== undefined ? 'dialogue' : 'retrieval');
  const chatReply: ChatReply = {
    session_id: session.id,
    // Given once, with the reply that created the session: the client keeps it to go on.
    ...(conversation.issuedToken === undefined ? {} : { session_token: conversation.issuedToken }),
    message_id: messageId,
    reply: reply.shown,
    intent: nlu.intent,
    emotion: nlu.emotion,
    handoff: decision.handoff,
    sources: reply.sources,
    cached: reply.cachedHit,
    ...(flow === undefined ? {} : { flow }),
    ...(quick.length === 0 ? {} : { quick_replies: quick }),
    ...(understanding.attachments === undefined ? {} : { attachments: understanding.attachments.map((a) => ({ type: a.type, text: vault.revealAll(a.text) })) }),
    model,
    usage: gen.usage,
    finish_reason: gen.finishReason,
  };
  const filed = decision.ticketFiledNow === null ? {} : { ticketsFiled: [...understanding.ticketsFiled, decision.ticketFiledNow] };
  const dialogue = Object.assign({}, decision.state, orderMemoryFields(understanding.context.orderMemory!));
  const nextState = Object.assign({}, conversation.state, { lastEmotion: nlu.emotion, dialogue, locale: turn.text.locale }, filed);
  // Masked once for the transcript and the audit: a scan of a long reply costs about as much as the NLU.
  const maskedReply = reply.rendered.length > 0 ? maskPii(reply.rendered) : '';
  return { reply: chatReply, messageId, nextState, maskedReply };
}

/**
 * A first question answered soundly from the knowledge base is kept for the next customer who
 * asks it; later turns may lean on the conversation, so they are not.
 */
function cacheVerdict(turn: Turn, deps: StageDeps, sound: boolean, replaced: boolean): Pick<Conclusion, 'keep' | 'cacheKey'> {
  const { decision, reply, outcome } = turn;
  const { understood } = turn.text;
  const { nlu, flow, handoff, inputGuard } = decision;
  const keep =
    deps.cache !== null &&
    !reply.cachedHit &&
    sound &&
    turn.understanding.history.length === 0 &&
    reply.text.length > 0 &&
    isCacheable(understood, { intent: nlu.intent, flow, handoff, unanswered: outcome.unanswered, guardReplaced: replaced, inputGuard, sources: reply.sources });
  const served = reply.cachedHit && reply.servedFrom !== null ? { question: reply.servedFrom, lang: nlu.lang } : null;
  return { keep, cacheKey: served ?? (keep ? { question: understood, lang: nlu.lang } : null) };
}
