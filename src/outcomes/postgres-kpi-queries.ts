import type pg from 'pg';
import type { KpiPeriod, KpiQueries } from '../contracts/kpi-queries.ts';
import { parseJsonObject } from '../store/parse-json-object.ts';
import { translatePgError } from '../store/postgres/postgres-errors.ts';
import { qualifyTable } from '../store/postgres/qualify-table.ts';
import { bucketFor, buildKpiReport, groupUnanswered, type OutcomeBucketRow } from './kpi-report.ts';

export interface PostgresKpiQueriesOptions {
  /** The pool the conversation store uses; its migrations (version 3) made the tables. */
  pool: pg.Pool;
  schema?: string;
}

const ignore = () => undefined;

/**
 * The KPI queries over the shared PostgreSQL tables, so every node's dashboard shows the whole
 * cluster. Message meta is TEXT holding JSON, as on SQLite; PostgreSQL before 16 cannot test a
 * text for valid JSON in SQL, so meta is parsed here (a corrupted row reads as `{}`, never an error).
 */
export function createPostgresKpiQueries(options: PostgresKpiQueriesOptions): KpiQueries {
  const O = qualifyTable(options.schema, 'conversation_outcomes');
  const M = qualifyTable(options.schema, 'messages');
  const query = async <R extends pg.QueryResultRow>(text: string, values: unknown[]): Promise<R[]> => {
    try {
      return (await options.pool.query<R>(text, values)).rows;
    } catch (error) {
      throw translatePgError(error);
    }
  };

  return {
    async kpis(period: KpiPeriod) {
      const range = [period.from, period.to];
      const [rows, roles, metas] = await Promise.all([
        query<OutcomeBucketRow>(`
          SELECT ((started_at - $1::bigint) / $3::bigint)::int AS b, outcome, COUNT(*)::int AS n,
                 SUM(ended_at - started_at)::float8 AS dur, COUNT(rating)::int AS rn, SUM(rating)::int AS rs
          FROM ${O} WHERE started_at >= $1 AND started_at < $2 GROUP BY 1, 2`, [...range, bucketFor(period).ms]),
        query<{ role: string; n: number }>(`SELECT role, COUNT(*)::int AS n FROM ${M} WHERE created_at >= $1 AND created_at < $2 GROUP BY role`, range),
        query<{ role: string; meta: string }>(`SELECT role, meta FROM ${M} WHERE created_at >= $1 AND created_at < $2 AND role IN ('user', 'assistant')`, range),
      ]);
      const intentCounts = new Map<string, number>();
      const latencies: number[] = [];
      const cache = { n: 0, hits: 0 };
      for (const r of metas) {
        const m = parseJsonObject(r.meta, ignore);
        if (r.role === 'user') {
          if (typeof m['intent'] === 'string') intentCounts.set(m['intent'], (intentCounts.get(m['intent']) ?? 0) + 1);
          continue;
        }
        const lat = m['latencyMs'] ?? m['latency_ms'];
        if (typeof lat === 'number' && Number.isFinite(lat)) latencies.push(lat);
        const cached = m['cached'];
        if (cached !== undefined && cached !== null) {
          cache.n++;
          if (cached === true || cached === 1) cache.hits++;
        }
      }
      latencies.sort((a, b) => a - b);
      const intents = [...intentCounts.entries()]
        .map(([intent, n]) => ({ intent, n }))
        .sort((a, b) => b.n - a.n || (a.intent < b.intent ? -1 : a.intent > b.intent ? 1 : 0))
        .slice(0, 10);
      return buildKpiReport(period, rows, { roles, intents, latencies, cache });
    },

    async unanswered(period: KpiPeriod, limit: number) {
      // LIKE narrows to the replies that can carry the flag; the JSON decides.
      const rows = await query<{ at: string; sid: string; meta: string; question: string | null }>(`
        SELECT a.created_at AS at, a.conversation_id AS sid, a.meta,
          (SELECT u.content FROM ${M} u WHERE u.conversation_id = a.conversation_id AND u.role = 'user' AND u.seq < a.seq
           ORDER BY u.seq DESC LIMIT 1) AS question
        FROM ${M} a
        WHERE a.role = 'assistant' AND a.created_at >= $1 AND a.created_at < $2 AND a.meta LIKE '%"unanswered"%'
        ORDER BY a.created_at DESC, a.seq DESC`, [period.from, period.to]);
      const unanswered = rows.flatMap((r) => {
        const m = parseJsonObject(r.meta, ignore);
        if (m['unanswered'] !== true && m['unanswered'] !== 1) return [];
        return [{ at: Number(r.at), sid: r.sid, intent: typeof m['intent'] === 'string' ? m['intent'] : null, question: r.question }];
      });
      return groupUnanswered(unanswered, limit);
    },

    async close() {
      // The pool belongs to the caller.
    },
  };
}
