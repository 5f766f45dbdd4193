import type pg from 'pg';
import type { ClosedConversation, Outcome, OutcomeTracker, OutcomeTrackerHooks } from '../contracts/outcome-tracker.ts';
import { translatePgError } from '../store/postgres/postgres-errors.ts';
import { qualifyTable } from '../store/postgres/qualify-table.ts';
import { alreadyRated, assembleOutcomeStats, checkRating, mainIntent, noConversation } from './outcome-rules.ts';

export type PostgresOutcomeTrackerOptions = OutcomeTrackerHooks & {
  /** The pool the conversation store uses; its migrations (version 3) made the table. */
  pool: pg.Pool;
  schema?: string;
};

function statements(schema: string | undefined) {
  const O = qualifyTable(schema, 'conversation_outcomes');
  return {
    // last_at never moves backwards, whichever node's clock recorded the turn.
    turn: `INSERT INTO ${O} AS o (session_id, channel, intent, started_at, last_at, turns, transferred, resolved, last_failed)
      VALUES ($1, $2, $3::text, $4::bigint, $4::bigint, 1, $5::int, $6::int, $7::int)
      ON CONFLICT (session_id) DO UPDATE SET
        last_at = GREATEST(o.last_at, $4::bigint),
        turns = o.turns + 1,
        intent = COALESCE(o.intent, $3::text),
        transferred = GREATEST(o.transferred, $5::int),
        resolved = CASE WHEN $6::int = 1 THEN 1 WHEN $7::int = 1 THEN 0 ELSE o.resolved END,
        last_failed = $7::int,
        outcome = NULL,
        ended_at = NULL`,
    transferred: `UPDATE ${O} SET transferred = 1 WHERE session_id = $1`,
    // Every node runs this each minute: SKIP LOCKED lets two nodes close different rows at once
    // instead of waiting on (or deadlocking over) each other's, and each row is closed once.
    closeIdle: `UPDATE ${O} SET
        outcome = CASE WHEN transferred = 1 THEN 'transferred' WHEN resolved = 1 AND last_failed = 0 THEN 'resolved' ELSE 'abandoned' END,
        ended_at = last_at
      WHERE session_id IN (SELECT session_id FROM ${O} WHERE ended_at IS NULL AND last_at < $1 FOR UPDATE SKIP LOCKED)
        AND ended_at IS NULL
      RETURNING session_id, channel, intent, started_at, last_at, outcome`,
    rate: `UPDATE ${O} SET rating = $1, rating_comment = $2 WHERE session_id = $3 AND rating IS NULL RETURNING session_id`,
    exists: `SELECT rating FROM ${O} WHERE session_id = $1`,
    eraseOne: `UPDATE ${O} SET rating_comment = NULL WHERE session_id = $1 AND rating_comment IS NOT NULL RETURNING session_id`,
    eraseIdle: `UPDATE ${O} SET rating_comment = NULL WHERE last_at < $1 AND rating_comment IS NOT NULL RETURNING session_id`,
    byOutcome: `SELECT outcome, COUNT(*)::int AS n, AVG(ended_at - started_at)::float8 AS dur FROM ${O} GROUP BY outcome`,
    csat: `SELECT COUNT(rating)::int AS n, AVG(rating)::float8 AS avg FROM ${O}`,
    byIntent: `SELECT COALESCE(intent, 'other') AS intent, outcome, COUNT(*)::int AS n FROM ${O} WHERE outcome IS NOT NULL GROUP BY 1, 2`,
  };
}

/** Conversation outcomes and CSAT in PostgreSQL, shared by every node. */
export function createPostgresOutcomeTracker(options: PostgresOutcomeTrackerOptions): OutcomeTracker {
  const now = options.now ?? Date.now;
  const sql = statements(options.schema);
  const query = async <R extends pg.QueryResultRow>(text: string, values: unknown[]): Promise<R[]> => {
    try {
      return (await options.pool.query<R>(text, values)).rows;
    } catch (error) {
      throw translatePgError(error);
    }
  };

  return {
    async recordTurn(t) {
      await query(sql.turn, [t.sessionId, t.channel, mainIntent(t.intent), now(), t.transferred ? 1 : 0, t.resolved ? 1 : 0, t.answered ? 0 : 1]);
    },
    async markTransferred(sessionId) {
      await query(sql.transferred, [sessionId]);
    },
    async closeIdle(idleMs) {
      const rows = await query<{ session_id: string; channel: string; intent: string | null; started_at: string; last_at: string; outcome: Outcome }>(sql.closeIdle, [now() - idleMs]);
      const closed: ClosedConversation[] = rows.map((r) => ({
        sessionId: r.session_id,
        outcome: r.outcome,
        intent: r.intent ?? 'other',
        durationMs: Number(r.last_at) - Number(r.started_at),
        channel: r.channel,
      }));
      for (const c of closed) options.onClosed?.(c);
      return closed;
    },
    async rate(sessionId, score, comment) {
      checkRating(score);
      if ((await query(sql.rate, [score, comment, sessionId])).length === 0) {
        const [row] = await query<{ rating: number | null }>(sql.exists, [sessionId]);
        throw row === undefined ? noConversation(sessionId) : alreadyRated(sessionId);
      }
      options.onRating?.(score, sessionId);
    },
    async stats() {
      const [byOutcome, byIntent, csat] = await Promise.all([
        query<{ outcome: Outcome | null; n: number; dur: number | null }>(sql.byOutcome, []),
        query<{ intent: string; outcome: Outcome; n: number }>(sql.byIntent, []),
        query<{ n: number; avg: number | null }>(sql.csat, []),
      ]);
      return assembleOutcomeStats(byOutcome, byIntent, csat[0] ?? { n: 0, avg: null });
    },
    async eraseComments(which) {
      const rows = 'sessionId' in which ? await query(sql.eraseOne, [which.sessionId]) : await query(sql.eraseIdle, [which.idleBefore]);
      return rows.length;
    },
    async shutdown() {
      // The pool belongs to the caller.
    },
  };
}
