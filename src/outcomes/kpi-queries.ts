import Database from 'better-sqlite3';

/**
 * Read-only KPI queries over a period, for the admin dashboard: conversation outcomes, CSAT and
 * intents from `conversation_outcomes` and the (masked) transcript in `<data dir>/kefu.db`. The file
 * is opened read-only on first use, so the dashboard can never write what the pipeline owns.
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

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
type Outcome = 'resolved' | 'transferred' | 'abandoned';

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
/** json_extract fails on malformed JSON: one corrupted row must not break the dashboard. */
const meta = (path: string, table = 'messages') => `(CASE WHEN json_valid(${table}.meta) THEN json_extract(${table}.meta, '${path}') END)`;

export function createKpiQueries(options: { path: string }) {
  let db: Database.Database | null = null;
  const connect = (): Database.Database => {
    db ??= new Database(options.path, { readonly: true, fileMustExist: true, timeout: 5000 });
    return db;
  };

  return {
    kpis(period: KpiPeriod): KpiReport {
      const d = connect();
      const { bucket, ms } = bucketFor(period);
      const range = { from: period.from, to: period.to, bucket: ms };

      const rows = d.prepare<typeof range, { b: number; outcome: Outcome | null; n: number; dur: number | null; rn: number; rs: number | null }>(`
        SELECT CAST((started_at - @from) / @bucket AS INTEGER) AS b, outcome, COUNT(*) AS n, SUM(ended_at - started_at) AS dur,
               COUNT(rating) AS rn, SUM(rating) AS rs
        FROM conversation_outcomes WHERE started_at >= @from AND started_at < @to GROUP BY 1, 2`).all(range);

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

      const inRange = 'created_at >= @from AND created_at < @to';
      const roles = d.prepare<typeof range, { role: string; n: number }>(`SELECT role, COUNT(*) AS n FROM messages WHERE ${inRange} GROUP BY role`).all(range);
      const count = (role: string) => roles.find((r) => r.role === role)?.n ?? 0;
      const intents = d.prepare<typeof range, { intent: string; n: number }>(`
        SELECT ${meta('$.intent')} AS intent, COUNT(*) AS n FROM messages
        WHERE role = 'user' AND ${inRange} AND intent IS NOT NULL GROUP BY 1 ORDER BY n DESC, intent LIMIT 10`).all(range);
      const latencies = d.prepare<typeof range, number>(`
        SELECT lat FROM (SELECT COALESCE(${meta('$.latencyMs')}, ${meta('$.latency_ms')}) AS lat FROM messages WHERE role = 'assistant' AND ${inRange})
        WHERE typeof(lat) IN ('integer', 'real') ORDER BY lat`).pluck().all(range);
      const cache = d.prepare<typeof range, { n: number; hits: number | null }>(`
        SELECT COUNT(c) AS n, SUM(c = 1) AS hits FROM (SELECT ${meta('$.cached')} AS c FROM messages WHERE role = 'assistant' AND ${inRange})`).get(range)!;

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
        cache_hit_rate: cache.n === 0 ? null : share(cache.hits ?? 0, cache.n),
        messages: { user: count('user'), assistant: count('assistant'), agent: count('agent') },
        top_intents: intents.map((r) => ({ intent: r.intent, messages: r.n })),
        series: series.map(({ rn, rs, ...p }) => ({ ...p, csat_average: rn === 0 ? null : round(rs / rn, 2) })),
      };
    },

    /** The customer questions the bot could not answer, most frequent first. */
    unanswered(period: KpiPeriod, limit: number): UnansweredQuestion[] {
      const rows = connect().prepare<KpiPeriod, { at: number; sid: string; intent: string | null; question: string | null }>(`
        SELECT a.created_at AS at, a.conversation_id AS sid, ${meta('$.intent', 'a')} AS intent,
          (SELECT u.content FROM messages u WHERE u.conversation_id = a.conversation_id AND u.role = 'user' AND u.seq < a.seq
           ORDER BY u.seq DESC LIMIT 1) AS question
        FROM messages a
        WHERE a.role = 'assistant' AND a.created_at >= @from AND a.created_at < @to AND ${meta('$.unanswered', 'a')} = 1
        ORDER BY a.created_at DESC`).all(period);
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
    },

    close(): void {
      db?.close();
      db = null;
    },
  };
}

export type KpiQueries = ReturnType<typeof createKpiQueries>;
