import type { Intent } from '../contracts/reply-part.ts';
import type { IntentOutcomes, Outcome, OutcomeStats } from '../contracts/outcome-tracker.ts';
import { KefuError, notFound } from '../errors.ts';

/**
 * What both outcome adapters decide the same way: which intent names a conversation, how an idle
 * conversation ended, what a rating may be, and how the counts become `OutcomeStats`.
 */

/** Intents that say nothing about what the customer came for. */
const INCIDENTAL = new Set<Intent>(['greeting', 'goodbye', 'chitchat', 'other', 'human_agent']);

export const mainIntent = (intent: Intent): Intent | null => (INCIDENTAL.has(intent) ? null : intent);

export function outcomeOf(r: { transferred: number; resolved: number; last_failed: number }): Outcome {
  return r.transferred === 1 ? 'transferred' : r.resolved === 1 && r.last_failed === 0 ? 'resolved' : 'abandoned';
}

export function checkRating(score: number): void {
  if (!Number.isInteger(score) || score < 1 || score > 5) throw new KefuError('invalid_rating', 'rating must be an integer from 1 to 5', { status: 400 });
}

export const noConversation = (sessionId: string) => notFound('session_not_found', `No conversation ${sessionId}`);
export const alreadyRated = (sessionId: string) => new KefuError('already_rated', `Conversation ${sessionId} is already rated`, { status: 409 });

export function assembleOutcomeStats(
  byOutcomeRows: readonly { outcome: Outcome | null; n: number; dur: number | null }[],
  byIntentRows: readonly { intent: string; outcome: Outcome; n: number }[],
  csat: { n: number; avg: number | null },
): OutcomeStats {
  const byOutcome: Record<Outcome, number> = { resolved: 0, transferred: 0, abandoned: 0 };
  let open = 0;
  let durSum = 0;
  let closedN = 0;
  for (const r of byOutcomeRows) {
    if (r.outcome === null) open = r.n;
    else {
      byOutcome[r.outcome] = r.n;
      durSum += (r.dur ?? 0) * r.n;
      closedN += r.n;
    }
  }
  const intents = new Map<string, IntentOutcomes>();
  for (const r of byIntentRows) {
    const e = intents.get(r.intent) ?? { intent: r.intent, conversations: 0, resolved: 0, transferred: 0, abandoned: 0, transferRate: 0 };
    e[r.outcome] += r.n;
    e.conversations += r.n;
    e.transferRate = Math.round((e.transferred / e.conversations) * 1000) / 1000;
    intents.set(r.intent, e);
  }
  const rate = (n: number) => (closedN === 0 ? null : Math.round((n / closedN) * 1000) / 1000);
  return {
    conversations: closedN + open,
    open,
    byOutcome,
    resolutionRate: rate(byOutcome.resolved),
    transferRate: rate(byOutcome.transferred),
    avgDurationSeconds: closedN === 0 ? null : Math.round(durSum / closedN / 100) / 10,
    csat: { count: csat.n, average: csat.avg === null ? null : Math.round(csat.avg * 100) / 100 },
    // Ties by name, so both databases list the same order.
    byIntent: [...intents.values()].sort((a, b) => b.conversations - a.conversations || (a.intent < b.intent ? -1 : a.intent > b.intent ? 1 : 0)),
  };
}
