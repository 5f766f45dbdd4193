import type { ConcludedTurn, StageDeps } from '../turn.ts';

/** The turn's outcome for the KPIs (answered, resolved, transferred), and its metrics. */
export async function measure(turn: ConcludedTurn, deps: StageDeps): Promise<void> {
  const { req, outcome, reply } = turn;
  const { metrics } = deps;
  const { answered, resolved, transferred } = outcome;
  await deps.outcomes.recordTurn({ sessionId: turn.session.id, channel: req.channel, intent: turn.decision.nlu.intent, answered, resolved, transferred });
  if (reply.gen.usage.outputTokens !== undefined) metrics.generatedTokens.inc({ model: deps.modelId }, reply.gen.usage.outputTokens);
  metrics.requests.inc({ channel: req.channel, outcome: reply.gen.finishReason === 'abort' ? 'aborted' : 'ok' });
  metrics.latency.observe({ channel: req.channel }, (performance.now() - turn.started) / 1000);
}
