import type { KpiBucket, KpiPeriod, KpiReport, KpiSeriesPoint, UnansweredQuestion } from '../contracts/kpi-queries.ts';
import type { Outcome } from '../contracts/outcome-tracker.ts';

/**
 * The arithmetic of the KPI report, shared by the SQLite and PostgreSQL queries so that both
 * databases turn the same rows into the same figures.
 */
const HOUR = 3_600_000;
const DAY = 24 * HOUR;

/** Hour buckets up to two days, days up to ~4 months, weeks beyond. */
export function bucketFor(period: KpiPeriod): { bucket: KpiBucket; ms: number } {
  const span = period.to - period.from;
  if (span <= 2 * DAY) return { bucket: 'hour', ms: HOUR };
  if (span <= 120 * DAY) return { bucket: 'day', ms: DAY };
  return { bucket: 'week', ms: 7 * DAY };
}

/** Nearest-rank percentile of sorted numbers. */
export function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return 0;
  const rank = Math.ceil(p * sorted.length);
  return sorted[Math.min(sorted.length - 1, Math.max(0, rank - 1))]!;
}

/** Case, width, spaces and punctuation do not make a different question. */
export function normaliseQuestion(text: string): string {
  return text.normalize('NFKC').toLowerCase().replace(/[\s\p{P}\p{S}]+/gu, '');
}

const round = (x: number, digits: number) => Math.round(x * 10 ** digits) / 10 ** digits;
const share = (n: number, of: number) => (of === 0 ? null : round(n / of, 3));

/** Conversations of one bucket and outcome (null: still open) of the period. */
export interface OutcomeBucketRow {
  /** Bucket index: (started_at - from) / bucket ms, rounded down. */
  b: number;
  outcome: Outcome | null;
  n: number;
  /** Sum of durations in ms. */
  dur: number | null;
  /** Ratings and their sum. */
  rn: number;
  rs: number | null;
}

/** What the messages written in the period say. */
export interface MessageFigures {
  roles: { role: string; n: number }[];
  /** Top user intents, most frequent first. */
  intents: { intent: string; n: number }[];
  /** Reply latencies in ms, sorted ascending. */
  latencies: number[];
  /** Replies that recorded `cached`, and how many of them were hits. */
  cache: { n: number; hits: number };
}

export function buildKpiReport(period: KpiPeriod, rows: readonly OutcomeBucketRow[], figures: MessageFigures): KpiReport {
  const { bucket, ms } = bucketFor(period);
  const buckets = Math.max(1, Math.ceil((period.to - period.from) / ms));
  const series: (KpiSeriesPoint & { rn: number; rs: number })[] = Array.from({ length: buckets }, (_, i) => ({
    start: new Date(period.from + i * ms).toISOString(), conversations: 0, resolved: 0, transferred: 0, abandoned: 0, csat_average: null, rn: 0, rs: 0,
  }));
  const outcomes = { resolved: 0, transferred: 0, abandoned: 0 };
  let openCount = 0;
  let durSum = 0;
  let ratings = 0;
  let ratingSum = 0;
  for (const r of rows) {
    const point = series[Math.max(0, Math.min(buckets - 1, Math.floor(r.b)))]!;
    point.conversations += r.n;
    point.rn += r.rn;
    point.rs += r.rs ?? 0;
    ratings += r.rn;
    ratingSum += r.rs ?? 0;
    if (r.outcome === null) {
      openCount += r.n;
    } else {
      outcomes[r.outcome] += r.n;
      point[r.outcome] += r.n;
      durSum += r.dur ?? 0;
    }
  }
  const closed = outcomes.resolved + outcomes.transferred + outcomes.abandoned;
  const count = (role: string) => figures.roles.find((r) => r.role === role)?.n ?? 0;
  const { latencies, cache } = figures;

  return {
    period: { from: new Date(period.from).toISOString(), to: new Date(period.to).toISOString(), bucket },
    conversations: closed + openCount,
    open: openCount,
    closed,
    outcomes,
    resolution_rate: share(outcomes.resolved, closed),
    transfer_rate: share(outcomes.transferred, closed),
    abandon_rate: share(outcomes.abandoned, closed),
    avg_duration_seconds: closed === 0 ? null : round(durSum / closed / 1000, 1),
    csat: { count: ratings, average: ratings === 0 ? null : round(ratingSum / ratings, 2) },
    latency: latencies.length === 0 ? null : { p50_ms: Math.round(percentile(latencies, 0.5)), p95_ms: Math.round(percentile(latencies, 0.95)), samples: latencies.length },
    cache_hit_rate: cache.n === 0 ? null : share(cache.hits, cache.n),
    messages: { user: count('user'), assistant: count('assistant'), agent: count('agent') },
    top_intents: figures.intents.map((r) => ({ intent: r.intent, messages: r.n })),
    series: series.map(({ rn, rs, ...p }) => Object.assign({}, p, { csat_average: rn === 0 ? null : round(rs / rn, 2) })),
  };
}

/** A reply marked unanswered, with the customer message before it. */
export interface UnansweredRow {
  at: number;
  sid: string;
  intent: string | null;
  question: string | null;
}

/** Groups unanswered replies (newest first) by normalised question, most frequent first. */
export function groupUnanswered(rows: readonly UnansweredRow[], limit: number): UnansweredQuestion[] {
  const groups = new Map<string, { question: string; count: number; sessions: Set<string>; intents: Map<string, number>; last: number; example: string }>();
  for (const r of rows) {
    if (r.question === null) continue;
    const key = normaliseQuestion(r.question);
    if (key.length === 0) continue;
    const g = groups.get(key) ?? { question: r.question.trim(), count: 0, sessions: new Set<string>(), intents: new Map<string, number>(), last: r.at, example: r.sid };
    g.count++;
    g.sessions.add(r.sid);
    if (r.intent !== null) g.intents.set(r.intent, (g.intents.get(r.intent) ?? 0) + 1);
    groups.set(key, g);
  }
  return [...groups.values()]
    .sort((a, b) => b.count - a.count || b.last - a.last)
    .slice(0, limit)
    .map((g) => ({
      question: g.question,
      count: g.count,
      sessions: g.sessions.size,
      intent: [...g.intents.entries()].sort((a, b) => b[1] - a[1])[0]?.[0] ?? null,
      last_at: new Date(g.last).toISOString(),
      example_session: g.example,
    }));
}
