import Database from 'better-sqlite3';
import type { KpiPeriod, KpiQueries } from '../contracts/kpi-queries.ts';
import { bucketFor, buildKpiReport, groupUnanswered, type OutcomeBucketRow, type UnansweredRow } from './kpi-report.ts';

/** json_extract fails on malformed JSON: one corrupted row must not break the dashboard. */
const meta = (path: string, table = 'messages') => `(CASE WHEN json_valid(${table}.meta) THEN json_extract(${table}.meta, '${path}') END)`;

/**
 * The KPI queries over one node's `<data dir>/kefu.db`. The file is opened read-only on first
 * use, so the dashboard can never write what the pipeline owns.
 */
export function createSqliteKpiQueries(options: { path: string }): KpiQueries & { closeSync(): void } {
  let db: Database.Database | null = null;
  const connect = (): Database.Database => {
    db ??= new Database(options.path, { readonly: true, fileMustExist: true, timeout: 5000 });
    return db;
  };
  const closeSync = () => {
    db?.close();
    db = null;
  };

  return {
    async kpis(period: KpiPeriod) {
      const d = connect();
      const range = { from: period.from, to: period.to, bucket: bucketFor(period).ms };
      const rows = d.prepare<typeof range, OutcomeBucketRow>(`
        SELECT CAST((started_at - @from) / @bucket AS INTEGER) AS b, outcome, COUNT(*) AS n, SUM(ended_at - started_at) AS dur,
               COUNT(rating) AS rn, SUM(rating) AS rs
        FROM conversation_outcomes WHERE started_at >= @from AND started_at < @to GROUP BY 1, 2`).all(range);

      const inRange = 'created_at >= @from AND created_at < @to';
      const roles = d.prepare<typeof range, { role: string; n: number }>(`SELECT role, COUNT(*) AS n FROM messages WHERE ${inRange} GROUP BY role`).all(range);
      const intents = d.prepare<typeof range, { intent: string; n: number }>(`
        SELECT ${meta('$.intent')} AS intent, COUNT(*) AS n FROM messages
        WHERE role = 'user' AND ${inRange} AND intent IS NOT NULL GROUP BY 1 ORDER BY n DESC, intent LIMIT 10`).all(range);
      const latencies = d.prepare<typeof range, number>(`
        SELECT lat FROM (SELECT COALESCE(${meta('$.latencyMs')}, ${meta('$.latency_ms')}) AS lat FROM messages WHERE role = 'assistant' AND ${inRange})
        WHERE typeof(lat) IN ('integer', 'real') ORDER BY lat`).pluck().all(range);
      const cache = d.prepare<typeof range, { n: number; hits: number | null }>(`
        SELECT COUNT(c) AS n, SUM(c = 1) AS hits FROM (SELECT ${meta('$.cached')} AS c FROM messages WHERE role = 'assistant' AND ${inRange})`).get(range)!;
      return buildKpiReport(period, rows, { roles, intents, latencies, cache: { n: cache.n, hits: cache.hits ?? 0 } });
    },

    async unanswered(period: KpiPeriod, limit: number) {
      const rows = connect().prepare<KpiPeriod, UnansweredRow>(`
        SELECT a.created_at AS at, a.conversation_id AS sid, ${meta('$.intent', 'a')} AS intent,
          (SELECT u.content FROM messages u WHERE u.conversation_id = a.conversation_id AND u.role = 'user' AND u.seq < a.seq
           ORDER BY u.seq DESC LIMIT 1) AS question
        FROM messages a
        WHERE a.role = 'assistant' AND a.created_at >= @from AND a.created_at < @to AND ${meta('$.unanswered', 'a')} = 1
        ORDER BY a.created_at DESC`).all(period);
      return groupUnanswered(rows, limit);
    },

    async close() {
      closeSync();
    },
    closeSync,
  };
}
