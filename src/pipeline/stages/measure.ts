import type { TurnRecord } from '../../contracts/outcome-tracker.ts';
import type { ConcludedTurn, StageDeps } from '../turn.ts';

/** The turn's row for the KPIs (answered, resolved, transferred). */
export function turnRecord(turn: ConcludedTurn): TurnRecord {
  const { answered, resolved, transferred } = turn.outcome;
  return { sessionId: turn.session.id, channel: turn.req.channel, intent: turn.decision.nlu.intent, answered, resolved, transferred };
}

/** The turn's outcome for the KPIs, unless `record` wrote it with the transcript, and its metrics. */
export async function measure(turn: ConcludedTurn, deps: StageDeps, outcomeRecorded: boolean): Promise<void> {
  const { req, reply } = turn;
  const { metrics } = deps;
  if (!outcomeRecorded) await deps.outcomes.recordTurn(turnRecord(turn));
  if (reply.gen.usage.outputTokens !== undefined) metrics.generatedTokens.inc({ model: deps.modelId }, reply.gen.usage.outputTokens);
  metrics.requests.inc({ channel: req.channel, outcome: reply.gen.finishReason === 'abort' ? 'aborted' : 'ok' });
  metrics.latency.observe({ channel: req.channel }, (performance.now() - turn.started) / 1000);
}
