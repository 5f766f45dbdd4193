import Database from 'better-sqlite3';
import type { Intent } from '../contracts/reply-part.ts';
import { KefuError, notFound } from '../errors.ts';

/**
 * How each conversation ended — resolved, transferred or abandoned — with its duration, main
 * intent and optional CSAT rating. A conversation is open while messages keep coming; it is
 * closed by idleness (`closeIdle`), and its outcome is decided then:
 *   transferred: a person took it over (a handoff was queued);
 *   resolved: the last thing the bot did answered (a confident answer, a completed flow, a thanks);
 *   abandoned: otherwise (left mid-flow, after an unanswered question, or while waiting).
 */
export type Outcome = 'resolved' | 'transferred' | 'abandoned';

/** Intents that say nothing about what the customer came for. */
const INCIDENTAL = new Set<Intent>(['greeting', 'goodbye', 'chitchat', 'other', 'human_agent']);

export interface TurnRecord {
  sessionId: string;
  channel: string;
  intent: Intent;
  /** The bot answered this turn (confident passage, flow step, completed flow, thanks). */
  answered: boolean;
  /** A flow finished or the customer thanked: resolution signals. */
  resolved: boolean;
  transferred: boolean;
}

export interface ClosedConversation {
  sessionId: string;
  outcome: Outcome;
  intent: string;
  durationMs: number;
  channel: string;
}

export interface OutcomeStats {
  conversations: number;
  open: number;
  byOutcome: Record<Outcome, number>;
  resolutionRate: number | null;
  transferRate: number | null;
  avgDurationSeconds: number | null;
  csat: { count: number; average: number | null };
  byIntent: { intent: string; conversations: number; resolved: number; transferred: number; abandoned: number; transferRate: number }[];
}

export function createOutcomeTracker(options: { path: string; now?: () => number; onClosed?: (c: ClosedConversation) => void; onRating?: (score: number) => void }) {
  const now = options.now ?? Date.now;
  const db = new Database(options.path, { timeout: 5000 });
  db.pragma('journal_mode = WAL');
  const s = {
    turn: db.prepare(`
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
        ended_at = NULL`),
    transferred: db.prepare(`UPDATE conversation_outcomes SET transferred = 1 WHERE session_id = ?`),
    idle: db.prepare<[number], { session_id: string; channel: string; intent: string | null; started_at: number; last_at: number; transferred: number; resolved: number; last_failed: number }>(
      `SELECT * FROM conversation_outcomes WHERE ended_at IS NULL AND last_at < ?`,
    ),
    end: db.prepare(`UPDATE conversation_outcomes SET outcome = ?, ended_at = ? WHERE session_id = ? AND ended_at IS NULL`),
    exists: db.prepare<[string], { rating: number | null }>(`SELECT rating FROM conversation_outcomes WHERE session_id = ?`),
    rate: db.prepare(`UPDATE conversation_outcomes SET rating = ?, rating_comment = ? WHERE session_id = ?`),
    byOutcome: db.prepare<[], { outcome: Outcome | null; n: number; dur: number | null }>(`SELECT outcome, COUNT(*) AS n, AVG(ended_at - started_at) AS dur FROM conversation_outcomes GROUP BY outcome`),
    csat: db.prepare<[], { n: number; avg: number | null }>(`SELECT COUNT(rating) AS n, AVG(rating) AS avg FROM conversation_outcomes`),
    byIntent: db.prepare<[], { intent: string; outcome: Outcome; n: number }>(`SELECT COALESCE(intent, 'other') AS intent, outcome, COUNT(*) AS n FROM conversation_outcomes WHERE outcome IS NOT NULL GROUP BY 1, 2`),
  };

  return {
    recordTurn(t: TurnRecord): void {
      s.turn.run({
        sessionId: t.sessionId,
        channel: t.channel,
        intent: INCIDENTAL.has(t.intent) ? null : t.intent,
        now: now(),
        transferred: t.transferred ? 1 : 0,
        resolved: t.resolved ? 1 : 0,
        failed: t.answered ? 0 : 1,
      });
    },
    markTransferred(sessionId: string): void {
      s.transferred.run(sessionId);
    },
    /** Closes conversations idle for `idleMs`; returns what was closed. */
    closeIdle(idleMs: number): ClosedConversation[] {
      const closed: ClosedConversation[] = [];
      const at = now();
      const run = db.transaction(() => {
        for (const r of s.idle.all(at - idleMs)) {
          const outcome: Outcome = r.transferred === 1 ? 'transferred' : r.resolved === 1 && r.last_failed === 0 ? 'resolved' : 'abandoned';
          if (s.end.run(outcome, r.last_at, r.session_id).changes === 1) {
            closed.push({ sessionId: r.session_id, outcome, intent: r.intent ?? 'other', durationMs: r.last_at - r.started_at, channel: r.channel });
          }
        }
      });
      run.immediate();
      for (const c of closed) options.onClosed?.(c);
      return closed;
    },
    /** CSAT 1..5, once per conversation. */
    rate(sessionId: string, score: number, comment: string | null): void {
      if (!Number.isInteger(score) || score < 1 || score > 5) throw new KefuError('invalid_rating', 'rating must be an integer from 1 to 5', { status: 400 });
      const row = s.exists.get(sessionId);
      if (row === undefined) throw notFound('session_not_found', `No conversation ${sessionId}`);
      if (row.rating !== null) throw new KefuError('already_rated', `Conversation ${sessionId} is already rated`, { status: 409 });
      s.rate.run(score, comment, sessionId);
      options.onRating?.(score);
    },
    stats(): OutcomeStats {
      const byOutcome: Record<Outcome, number> = { resolved: 0, transferred: 0, abandoned: 0 };
      let open = 0;
      let durSum = 0;
      let closedN = 0;
      for (const r of s.byOutcome.all()) {
        if (r.outcome === null) open = r.n;
        else {
          byOutcome[r.outcome] = r.n;
          durSum += (r.dur ?? 0) * r.n;
          closedN += r.n;
        }
      }
      const intents = new Map<string, { intent: string; conversations: number; resolved: number; transferred: number; abandoned: number; transferRate: number }>();
      for (const r of s.byIntent.all()) {
        const e = intents.get(r.intent) ?? { intent: r.intent, conversations: 0, resolved: 0, transferred: 0, abandoned: 0, transferRate: 0 };
        e[r.outcome] += r.n;
        e.conversations += r.n;
        e.transferRate = Math.round((e.transferred / e.conversations) * 1000) / 1000;
        intents.set(r.intent, e);
      }
      const csat = s.csat.get()!;
      const rate = (n: number) => (closedN === 0 ? null : Math.round((n / closedN) * 1000) / 1000);
      return {
        conversations: closedN + open,
        open,
        byOutcome,
        resolutionRate: rate(byOutcome.resolved),
        transferRate: rate(byOutcome.transferred),
        avgDurationSeconds: closedN === 0 ? null : Math.round(durSum / closedN / 100) / 10,
        csat: { count: csat.n, average: csat.avg === null ? null : Math.round(csat.avg * 100) / 100 },
        byIntent: [...intents.values()].sort((a, b) => b.conversations - a.conversations),
      };
    },
    shutdown(): void {
      db.close();
    },
  };
}

export type OutcomeTracker = ReturnType<typeof createOutcomeTracker>;
