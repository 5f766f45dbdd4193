import { PROMPT_VERSION } from '../prompt-builder.ts';
import type { ConcludedTurn, StageDeps } from '../turn.ts';
import { turnRecord } from './measure.ts';

/**
 * Writes the customer's message (unless a resend found it stored), the reply and the dialogue
 * state it led to together: a node dying here leaves none or all, so a resent message meets a
 * consistent flow, and the turn costs one commit — with its outcome row where the session store
 * keeps the outcomes too (one node's kefu.db); `measure` records it otherwise. True when written here.
 */
export async function record(turn: ConcludedTurn, deps: StageDeps): Promise<boolean> {
  const { session, decision, reply, result, pending } = turn;
  const user = pending.user === null ? [] : [pending.user];
  const outcome = deps.sessions.writesOutcomes ? turnRecord(turn) : undefined;
  if (reply.text.length > 0) {
    const { gen, sources } = reply;
    const { strict, cacheKey, sound } = result;
    const { flow } = decision;
    const meta = {
      replyTo: turn.understanding.userMessageId,
      intent: decision.nlu.intent,
      sources,
      model: result.reply.model,
      promptVersion: PROMPT_VERSION,
      fallback: gen.fallback,
      finishReason: gen.finishReason,
      unanswered: turn.outcome.unanswered,
      guard: reply.guardDecisions,
      inputGuard: decision.inputGuard,
      cached: reply.cachedHit,
      sound,
      ...(strict.length === 0 ? {} : { strict }),
      ...(cacheKey === null ? {} : { cacheKey }),
      latencyMs: Math.round(performance.now() - turn.started),
      ...(flow === undefined ? {} : { flow }),
    };
    await deps.sessions.recordAll([...user, { sessionId: session.id, id: result.messageId, role: 'assistant', content: result.maskedReply, meta }], result.nextState, outcome);
  } else if (user.length > 0) {
    await deps.sessions.recordAll(user, result.nextState, outcome);
  } else {
    await deps.sessions.saveState(session.id, result.nextState);
    pending.user = null;
    return false;
  }
  pending.user = null;
  return outcome !== undefined;
}
