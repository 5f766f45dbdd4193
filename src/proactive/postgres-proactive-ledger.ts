import type pg from 'pg';
import { translatePgError } from '../store/postgres/postgres-errors.ts';
import { qualifyTable } from '../store/postgres/qualify-table.ts';
import { runPostgresMigrations } from '../store/postgres/run-postgres-migrations.ts';
import { withTransaction } from '../store/postgres/with-transaction.ts';
import type { Migration } from '../store/sqlite/migrations.ts';
import type { ProactiveLedger } from './proactive-ledger.ts';

const MIGRATIONS: readonly Migration[] = [
  {
    version: 1,
    name: 'proactive triggers and event counts',
    sql: `
      CREATE TABLE proactive_triggers (
        id         BIGSERIAL PRIMARY KEY,
        rule_id    TEXT   NOT NULL,
        visitor_id TEXT   NOT NULL,
        session_id TEXT,
        page       TEXT   NOT NULL,
        day        TEXT   NOT NULL,
        at         BIGINT NOT NULL
      );
      CREATE INDEX proactive_triggers_visitor ON proactive_triggers (visitor_id, rule_id, day);
      CREATE INDEX proactive_triggers_day ON proactive_triggers (day, rule_id);
      CREATE TABLE proactive_events (
        day   TEXT   NOT NULL,
        type  TEXT   NOT NULL,
        count BIGINT NOT NULL,
        PRIMARY KEY (day, type)
      );
    `,
  },
];

/**
 * The ledger in PostgreSQL, shared by every node. A visitor's check-then-insert runs under a
 * transaction lock on their id, so two nodes given the same visitor's events at once cannot both
 * pass the limit. The pool belongs to the caller.
 */
export async function createPostgresProactiveLedger(options: { pool: pg.Pool; schema?: string }): Promise<ProactiveLedger> {
  const { pool, schema } = options;
  await runPostgresMigrations(pool, MIGRATIONS, { table: 'proactive_schema_migrations', ...(schema === undefined ? {} : { schema }) });
  const T = qualifyTable(schema, 'proactive_triggers');
  const E = qualifyTable(schema, 'proactive_events');
  const query = async <R extends pg.QueryResultRow>(text: string, values: unknown[]): Promise<R[]> => {
    try {
      return (await pool.query<R>(text, values)).rows;
    } catch (error) {
      throw translatePgError(error);
    }
  };
  return {
    record: (event, day, at, candidates) =>
      withTransaction(pool, async (client) => {
        await client.query(`INSERT INTO ${E} (day, type, count) VALUES ($1, $2, 1) ON CONFLICT (day, type) DO UPDATE SET count = ${E}.count + 1`, [day, event.type]);
        await client.query('SELECT pg_advisory_xact_lock(hashtext($1))', [`proactive:${schema ?? ''}:${event.visitorId}`]);
        let chosen = null;
        for (const rule of candidates) {
          const { rows } = await client.query<{ n: number }>(`SELECT COUNT(*)::int AS n FROM ${T} WHERE visitor_id = $1 AND rule_id = $2 AND day = $3`, [event.visitorId, rule.id, day]);
          if ((rows[0]?.n ?? 0) >= rule.maxPerVisitorPerDay) continue;
          await client.query(`INSERT INTO ${T} (rule_id, visitor_id, session_id, page, day, at) VALUES ($1, $2, $3, $4, $5, $6)`, [rule.id, event.visitorId, event.sessionId ?? null, event.page, day, at]);
          chosen = rule;
          break;
        }
        return chosen;
      }),
    triggersSince: (day) => query<{ rule_id: string; day: string; n: number }>(`SELECT rule_id, day, COUNT(*)::int AS n FROM ${T} WHERE day >= $1 GROUP BY rule_id, day`, [day]),
    eventsSince: async (day) => (await query<{ day: string; type: string; count: string }>(`SELECT day, type, count FROM ${E} WHERE day >= $1`, [day])).map((r) => Object.assign({}, r, { count: Number(r.count) })),
    async prune(day) {
      await query(`DELETE FROM ${T} WHERE day < $1`, [day]);
      await query(`DELETE FROM ${E} WHERE day < $1`, [day]);
    },
    async close() {},
  };
}
