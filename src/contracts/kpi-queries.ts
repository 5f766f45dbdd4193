/**
 * Read-only KPI queries over a period, for the admin dashboard: conversation outcomes, CSAT and
 * intents from the conversation outcomes and the (masked) transcript. SQLite reads the node's
 * `kefu.db`; PostgreSQL reads the shared tables, so every node reports the same figures.
 *
 * A conversation belongs to the period it started in; rates are over the conversations of the
 * period that are already closed (open ones have no outcome yet). Message-level figures (intents,
 * latency, cache hits, unanswered questions) count the messages written in the period.
 */
export interface KpiPeriod {
  /** epoch ms, inclusive */
  from: number;
  /** epoch ms, exclusive */
  to: number;
}

export type KpiBucket = 'hour' | 'day' | 'week';

export interface KpiSeriesPoint {
  start: string;
  conversations: number;
  resolved: number;
  transferred: number;
  abandoned: number;
  csat_average: number | null;
}

export interface KpiReport {
  period: { from: string; to: string; bucket: KpiBucket };
  conversations: number;
  open: number;
  closed: number;
  outcomes: { resolved: number; transferred: number; abandoned: number };
  resolution_rate: number | null;
  transfer_rate: number | null;
  abandon_rate: number | null;
  avg_duration_seconds: number | null;
  csat: { count: number; average: number | null };
  /** From `latencyMs` in the assistant messages' meta; null when no reply in the period has it. */
  latency: { p50_ms: number; p95_ms: number; samples: number } | null;
  /** From `cached` in the assistant messages' meta; null until an answer cache records it. */
  cache_hit_rate: number | null;
  messages: { user: number; assistant: number; agent: number };
  top_intents: { intent: string; messages: number }[];
  series: KpiSeriesPoint[];
}

export interface UnansweredQuestion {
  /** The most recent wording of the question (masked, as stored). */
  question: string;
  count: number;
  sessions: number;
  intent: string | null;
  last_at: string;
  example_session: string;
}

export interface KpiQueries {
  kpis(period: KpiPeriod): Promise<KpiReport>;
  /** The customer questions the bot could not answer, most frequent first. */
  unanswered(period: KpiPeriod, limit: number): Promise<UnansweredQuestion[]>;
  close(): Promise<void>;
}
