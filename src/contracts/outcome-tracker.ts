import type { Intent } from './reply-part.ts';

/**
 * How each conversation ended — resolved, transferred or abandoned — with its duration, main
 * intent and optional CSAT rating. A conversation is open while messages keep coming; it is
 * closed by idleness (`closeIdle`), and its outcome is decided then:
 *   transferred: a person took it over (a handoff was queued);
 *   resolved: the last thing the bot did answered (a confident answer, a completed flow, a thanks);
 *   abandoned: otherwise (left mid-flow, after an unanswered question, or while waiting).
 * SQLite on one node, PostgreSQL shared by several (test/outcomes/outcome-tracker.contract.ts).
 * Every node runs `closeIdle`; each conversation is closed (and reported to `onClosed`) once.
 */
export type Outcome = 'resolved' | 'transferred' | 'abandoned';

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

export interface IntentOutcomes {
  intent: string;
  conversations: number;
  resolved: number;
  transferred: number;
  abandoned: number;
  transferRate: number;
}

export interface OutcomeStats {
  conversations: number;
  open: number;
  byOutcome: Record<Outcome, number>;
  resolutionRate: number | null;
  transferRate: number | null;
  avgDurationSeconds: number | null;
  csat: { count: number; average: number | null };
  byIntent: IntentOutcomes[];
}

/** What both adapters take besides their connection. */
export interface OutcomeTrackerHooks {
  now?: () => number;
  /** Called once per closed conversation, on the node that closed it (metrics). */
  onClosed?: (c: ClosedConversation) => void;
  /** After a rating is stored; a low one evicts the session's cached answers. */
  onRating?: (score: number, sessionId: string) => void;
}

export interface OutcomeTracker {
  recordTurn(t: TurnRecord): Promise<void>;
  markTransferred(sessionId: string): Promise<void>;
  /** Closes conversations idle for `idleMs`; returns what this call closed. */
  closeIdle(idleMs: number): Promise<ClosedConversation[]>;
  /** CSAT 1..5, once per conversation: `invalid_rating` 400, `session_not_found` 404, `already_rated` 409. */
  rate(sessionId: string, score: number, comment: string | null): Promise<void>;
  stats(): Promise<OutcomeStats>;
  /**
   * Erasure: drops the free-text rating comment of one session, or of every conversation quiet
   * since before `idleBefore` (when the session sweep deletes their transcripts). The score and
   * outcome stay for the KPIs; the text was the customer's. Returns how many comments went.
   */
  eraseComments(which: { sessionId: string } | { idleBefore: number }): Promise<number>;
  shutdown(): Promise<void>;
}
