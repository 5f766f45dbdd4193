import path from 'node:path';
import type pg from 'pg';
import { evictRatedAnswers } from '../cache/evict-rated-answers.ts';
import type { AnswerCache } from '../contracts/answer-cache.ts';
import type { ConversationStore } from '../contracts/conversation-store.ts';
import type { KpiQueries } from '../contracts/kpi-queries.ts';
import type { OutcomeTracker, OutcomeTrackerHooks } from '../contracts/outcome-tracker.ts';
import { createPostgresKpiQueries } from '../outcomes/postgres-kpi-queries.ts';
import { createPostgresOutcomeTracker } from '../outcomes/postgres-outcome-tracker.ts';
import { createSqliteKpiQueries } from '../outcomes/sqlite-kpi-queries.ts';
import { createSqliteOutcomeTracker } from '../outcomes/sqlite-outcome-tracker.ts';
import type { RootContext } from './root-context.ts';

export interface Outcomes {
  outcomes: OutcomeTracker;
  kpis: KpiQueries;
  /** Closes conversations idle past KEFU_CONVERSATION_IDLE_MINUTES now (a timer does it every minute). */
  closeIdle(): Promise<void>;
}

/**
 * Conversation outcomes, CSAT and the KPI queries over them: kefu.db on one node (the KPIs read it
 * read-only, opened on first use), the shared database otherwise.
 */
export function trackOutcomes(ctx: RootContext, deps: { pgPool: pg.Pool | null; store: ConversationStore; cache: AnswerCache | null }): Outcomes {
  const { config, logger, metrics, now, closing } = ctx;
  const { pgPool, store, cache } = deps;
  const localDb = path.join(config.dataDir, 'kefu.db');
  const hooks: OutcomeTrackerHooks = {
    now,
    // Fired on the node that closed the conversation: each one is counted once in the cluster.
    onClosed: (c) => {
      metrics.conversations.inc({ outcome: c.outcome, intent: c.intent });
      metrics.conversationDuration.observe({ outcome: c.outcome }, c.durationMs / 1000);
    },
    onRating: (score, sessionId) => {
      metrics.csat.observe(score);
      // A low rating says the session's answers did not help: they leave the answer cache.
      if (cache !== null) void evictRatedAnswers(cache, store, sessionId, score).catch((err: unknown) => logger.warn({ err }, 'evicting the cached answers of a low-rated session failed'));
    },
  };
  const kpis: KpiQueries = pgPool === null ? createSqliteKpiQueries({ path: localDb }) : createPostgresKpiQueries({ pool: pgPool });
  closing.defer(() => kpis.close());
  const outcomes = pgPool === null ? createSqliteOutcomeTracker({ path: localDb, ...hooks }) : createPostgresOutcomeTracker({ pool: pgPool, ...hooks });
  closing.defer(() => outcomes.shutdown());
  const closeIdle = async (): Promise<void> => {
    try {
      await outcomes.closeIdle(config.conversationIdleMs);
    } catch (err) {
      logger.error({ err }, 'closing idle conversations failed');
    }
  };
  closing.every(Math.min(60_000, config.conversationIdleMs), () => void closeIdle());
  // A rating comment goes with its transcript, which the session sweep deletes after the TTL;
  // hourly, as the vault purge, since each run looks at every conversation's outcome row.
  closing.every(3_600_000, () => {
    outcomes.eraseComments({ idleBefore: now() - config.sessionTtlMs }).catch((err: unknown) => logger.error({ err }, 'erasing rating comments past the session TTL failed'));
  });
  return { outcomes, kpis, closeIdle };
}
