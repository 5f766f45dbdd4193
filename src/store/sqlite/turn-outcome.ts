import type Database from 'better-sqlite3';
import type { TurnRecord } from '../../contracts/outcome-tracker.ts';
import { mainIntent } from '../../outcomes/outcome-rules.ts';

/** A turn's row in `conversation_outcomes` (migration 3): the outcome tracker's, or the transcript's transaction's. */
export type TurnOutcomeStatement = (t: TurnRecord, now: number) => void;

export function prepareTurnOutcome(db: Database.Database): TurnOutcomeStatement {
  const upsert = db.prepare(`
      INSERT INTO conversation_outcomes (session_id, channel, intent, started_at, last_at, turns, transferred, resolved, last_failed)
      VALUES (@sessionId, @channel, @intent, @now, @now, 1, @transferred, @resolved, @failed)
      ON CONFLICT (session_id) DO UPDATE SET
        last_at = @now,
        turns = turns + 1,
        intent = COALESCE(intent, @intent),
        transferred = MAX(transferred, @transferred),
        resolved = CASE WHEN @resolved = 1 THEN 1 WHEN @failed = 1 THEN 0 ELSE resolved END,
        last_failed = @failed,
        outcome = NULL,
        ended_at = NULL`);
  return (t, now) => {
    upsert.run({
      sessionId: t.sessionId,
      channel: t.channel,
      intent: mainIntent(t.intent),
      now,
      transferred: t.transferred ? 1 : 0,
      resolved: t.resolved ? 1 : 0,
      failed: t.answered ? 0 : 1,
    });
  };
}
