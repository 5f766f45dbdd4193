import type Database from 'better-sqlite3';
import type { TurnRecord } from '../../contracts/outcome-tracker.ts';
import { mainIntent } from '../../outcomes/outcome-rules.ts';

/** A turn's row in `conversation_outcomes` (migration 3): the outcome tracker's, or the transcript's transaction's. */
export type TurnOutcomeStatement = (t: TurnRecord, now: number) => void;

export function prepareTurnOutcome(db: Database.Database): TurnOutcomeStatement {
  // Positional parameters, the update reading them back through `excluded`: binding seven named
  // parameters from an object cost more than the row's insert logic around it (issue 16).
  const upsert = db.prepare<[string, string, string | null, number, number, number, number, number]>(`
      INSERT INTO conversation_outcomes (session_id, channel, intent, started_at, last_at, turns, transferred, resolved, last_failed)
      VALUES (?, ?, ?, ?, ?, 1, ?, ?, ?)
      ON CONFLICT (session_id) DO UPDATE SET
        last_at = excluded.last_at,
        turns = turns + 1,
        intent = COALESCE(intent, excluded.intent),
        transferred = MAX(transferred, excluded.transferred),
        resolved = CASE WHEN excluded.resolved = 1 THEN 1 WHEN excluded.last_failed = 1 THEN 0 ELSE resolved END,
        last_failed = excluded.last_failed,
        outcome = NULL,
        ended_at = NULL`);
  return (t, now) => {
    upsert.run(t.sessionId, t.channel, mainIntent(t.intent), now, now, t.transferred ? 1 : 0, t.resolved ? 1 : 0, t.answered ? 0 : 1);
  };
}
