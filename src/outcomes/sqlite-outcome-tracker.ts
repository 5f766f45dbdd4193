import type Database from 'better-sqlite3';
import type { ClosedConversation, Outcome, OutcomeTracker, OutcomeTrackerHooks } from '../contracts/outcome-tracker.ts';
import { openSharedSqlite } from '../store/sqlite/shared-sqlite.ts';
import { prepareTurnOutcome } from '../store/sqlite/turn-outcome.ts';
import { alreadyRated, assembleOutcomeStats, checkRating, noConversation, outcomeOf } from './outcome-rules.ts';

/** The tracker's statements over `conversation_outcomes`. */
function prepare(db: Database.Database) {
  return {
    turn: prepareTurnOutcome(db),
    transferred: db.prepare(`UPDATE conversation_outcomes SET transferred = 1 WHERE session_id = ?`),
    idle: db.prepare<[number], { session_id: string; channel: string; intent: string | null; started_at: number; last_at: number; transferred: number; resolved: number; last_failed: number }>(
      `SELECT * FROM conversation_outcomes WHERE ended_at IS NULL AND last_at < ?`,
    ),
    end: db.prepare(`UPDATE conversation_outcomes SET outcome = ?, ended_at = ? WHERE session_id = ? AND ended_at IS NULL`),
    exists: db.prepare<[string], { rating: number | null }>(`SELECT rating FROM conversation_outcomes WHERE session_id = ?`),
    rate: db.prepare(`UPDATE conversation_outcomes SET rating = ?, rating_comment = ? WHERE session_id = ?`),
    byOutcome: db.prepare<[], { outcome: Outcome | null; n: number; dur: number | null }>(`SELECT outcome, COUNT(*) AS n, AVG(ended_at - started_at) AS dur FROM conversation_outcomes GROUP BY outcome`),
    csat: db.prepare<[], { n: number; avg: number | null }>(`SELECT COUNT(rating) AS n, AVG(rating) AS avg FROM conversation_outcomes`),
    eraseOne: db.prepare<[string]>(`UPDATE conversation_outcomes SET rating_comment = NULL WHERE session_id = ? AND rating_comment IS NOT NULL`),
    eraseIdle: db.prepare<[number]>(`UPDATE conversation_outcomes SET rating_comment = NULL WHERE last_at < ? AND rating_comment IS NOT NULL`),
    byIntent: db.prepare<[], { intent: string; outcome: Outcome; n: number }>(`SELECT COALESCE(intent, 'other') AS intent, outcome, COUNT(*) AS n FROM conversation_outcomes WHERE outcome IS NOT NULL GROUP BY 1, 2`),
  };
}

/** Conversation outcomes in one node's conversation database (migration 3). */
export function createSqliteOutcomeTracker(options: OutcomeTrackerHooks & { path: string }): OutcomeTracker {
  const now = options.now ?? Date.now;
  // The file's one connection (shared-sqlite.ts), synchronous NORMAL as the transcripts: a turn's
  // outcome row is no more precious than its transcript, and FULL cost an fsync per turn (issue 16).
  const shared = openSharedSqlite(options.path);
  const { db } = shared;
  const s = prepare(db);

  return {
    async recordTurn(t) {
      s.turn(t, now());
    },
    async markTransferred(sessionId) {
      s.transferred.run(sessionId);
    },
    async closeIdle(idleMs) {
      const closed: ClosedConversation[] = [];
      const at = now();
      const run = db.transaction(() => {
        for (const r of s.idle.all(at - idleMs)) {
          const outcome = outcomeOf(r);
          if (s.end.run(outcome, r.last_at, r.session_id).changes === 1) {
            closed.push({ sessionId: r.session_id, outcome, intent: r.intent ?? 'other', durationMs: r.last_at - r.started_at, channel: r.channel });
          }
        }
      });
      run.immediate();
      for (const c of closed) options.onClosed?.(c);
      return closed;
    },
    async rate(sessionId, score, comment) {
      checkRating(score);
      const row = s.exists.get(sessionId);
      if (row === undefined) throw noConversation(sessionId);
      if (row.rating !== null) throw alreadyRated(sessionId);
      s.rate.run(score, comment, sessionId);
      options.onRating?.(score, sessionId);
    },
    async stats() {
      return assembleOutcomeStats(s.byOutcome.all(), s.byIntent.all(), s.csat.get()!);
    },
    async eraseComments(which) {
      const erased = 'sessionId' in which ? s.eraseOne.run(which.sessionId).changes : s.eraseIdle.run(which.idleBefore).changes;
      // The old text is still in WAL frames until a checkpoint copies the zeroed page over it.
      if (erased > 0) db.pragma('wal_checkpoint(TRUNCATE)');
      return erased;
    },
    async shutdown() {
      shared.release();
    },
  };
}
