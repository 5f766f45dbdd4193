import { PROMPT_VERSION } from '../prompt-builder.ts';
import type { ConcludedTurn, StageDeps } from '../turn.ts';

/** Every reply and bot action goes into the hash-chained audit log, masked, with what guarded it. */
export async function audit(turn: ConcludedTurn, deps: StageDeps): Promise<void> {
  const { decision, reply, result } = turn;
  const { flow, handoff, handoffReason, inputGuard } = decision;
  if (reply.text.length === 0 && !handoff) return;
  const { gen } = reply;
  await deps.audit.append({
    kind: inputGuard !== null ? 'guard_block' : handoffReason !== null ? 'handoff' : flow !== undefined && flow.step === 'done' ? 'action' : 'reply',
    sessionId: turn.session.id,
    channel: turn.req.channel,
    content: result.maskedReply,
    model: result.reply.model,
    promptVersion: reply.answeredBy === deps.modelId ? PROMPT_VERSION : null,
    sources: reply.sources.map((s) => s.id),
    guard: { input: inputGuard, output: reply.guardDecisions },
    latencyMs: Math.round(performance.now() - turn.started),
    meta: { messageId: result.messageId, intent: decision.nlu.intent, ...(flow === undefined ? {} : { flow }), handoff, fallback: gen.fallback, finishReason: gen.finishReason, aiGenerated: true },
  });
}
