import { randomUUID } from 'node:crypto';
import type pg from 'pg';
import { type Handoff, type HandoffQueue, type HandoffStatus, type QueuePosition } from '../contracts/handoff-queue.ts';
import { notFound } from '../errors.ts';
import { translatePgError } from '../store/postgres/postgres-errors.ts';
import { qualifyTable } from '../store/postgres/qualify-table.ts';
import { handoffConflict } from './handoff-conflict.ts';
import { queuePosition } from './queue-position.ts';

export interface PostgresHandoffQueueOptions {
  /** The pool the conversation store uses; its migrations (versions 3 and 4) made the table. */
  pool: pg.Pool;
  schema?: string;
  now?: () => number;
}

interface Row {
  id: string;
  session_id: string;
  tenant: string;
  reason: string;
  status: HandoffStatus;
  priority: number;
  summary: string;
  agent: string | null;
  created_at: string;
  claimed_at: string | null;
  closed_at: string | null;
}

const COLUMNS = 'id, session_id, tenant, reason, status, priority, summary, agent, created_at, claimed_at, closed_at';
const ms = (v: string | null) => (v === null ? null : Number(v));
const fromRow = (r: Row): Handoff => ({
  id: r.id,
  sessionId: r.session_id,
  tenant: r.tenant,
  reason: r.reason,
  status: r.status,
  priority: r.priority,
  summary: r.summary,
  agent: r.agent,
  createdAt: Number(r.created_at),
  claimedAt: ms(r.claimed_at),
  closedAt: ms(r.closed_at),
});

function statements(schema: string | undefined) {
  const H = qualifyTable(schema, 'handoffs');
  const OPEN = `status IN ('queued', 'assigned')`;
  // Ids tie-break bytewise (as SQLite's BINARY) whatever the database locale.
  const ORDER = 'ORDER BY priority DESC, created_at, id COLLATE "C"';
  return {
    // The partial unique index (one open handoff per session) makes this race-free across nodes:
    // of two nodes queueing one session at once, one inserts and the other finds its row.
    insert: `INSERT INTO ${H} (id, session_id, tenant, reason, status, priority, summary, created_at)
      VALUES ($1, $2, $3, $4, 'queued', $5, $6, $7) ON CONFLICT (session_id) WHERE ${OPEN} DO NOTHING RETURNING ${COLUMNS}`,
    open: `SELECT ${COLUMNS} FROM ${H} WHERE session_id = $1 AND ${OPEN}`,
    get: `SELECT ${COLUMNS} FROM ${H} WHERE id = $1`,
    // A tenant's customers wait in that tenant's queue, for that tenant's agents.
    position: `SELECT
        (SELECT COUNT(*) FROM ${H} WHERE tenant = $3 AND status = 'queued' AND (priority > $1 OR (priority = $1 AND created_at <= $2)))::int AS ahead,
        (SELECT COUNT(DISTINCT agent) FROM ${H} WHERE tenant = $3 AND status = 'assigned')::int AS agents,
        (SELECT (AVG(closed_at - claimed_at) / 60000.0)::float8 FROM (
          SELECT closed_at, claimed_at FROM ${H} WHERE tenant = $3 AND status IN ('resolved', 'returned') AND claimed_at IS NOT NULL
          ORDER BY closed_at DESC LIMIT 50) AS recent) AS minutes`,
    list: `SELECT ${COLUMNS} FROM ${H} WHERE status = $1 ${ORDER} LIMIT $2`,
    listTenant: `SELECT ${COLUMNS} FROM ${H} WHERE tenant = $3 AND status = $1 ${ORDER} LIMIT $2`,
    // One conditional UPDATE: the row lock makes a second claimer re-check `status = 'queued'`
    // after the first commits, so exactly one agent on one node wins.
    claim: `UPDATE ${H} SET status = 'assigned', agent = $1, claimed_at = $2 WHERE id = $3 AND status = 'queued' RETURNING ${COLUMNS}`,
    closeClaimed: `UPDATE ${H} SET status = $1, closed_at = $2 WHERE id = $3 AND status = 'assigned' RETURNING ${COLUMNS}`,
    closeOpen: `UPDATE ${H} SET status = $1, closed_at = $2 WHERE id = $3 AND ${OPEN} RETURNING ${COLUMNS}`,
  };
}

/** The human queue in PostgreSQL, shared by every node. */
export function createPostgresHandoffQueue(options: PostgresHandoffQueueOptions): HandoffQueue {
  const now = options.now ?? Date.now;
  const sql = statements(options.schema);
  const query = async <R extends pg.QueryResultRow = Row>(text: string, values: unknown[]): Promise<R[]> => {
    try {
      return (await options.pool.query<R>(text, values)).rows;
    } catch (error) {
      throw translatePgError(error);
    }
  };
  const get = async (id: string): Promise<Handoff> => {
    const [row] = await query(sql.get, [id]);
    if (row === undefined) throw notFound('handoff_not_found', `No handoff ${id}`);
    return fromRow(row);
  };

  async function position(h: Handoff): Promise<QueuePosition> {
    if (h.status !== 'queued') return { position: 0, waitMinutes: 0 };
    const [r] = await query<{ ahead: number; agents: number; minutes: number | null }>(sql.position, [h.priority, h.createdAt, h.tenant]);
    return queuePosition(r?.ahead ?? 0, r?.agents ?? 0, r?.minutes ?? null);
  }

  return {
    async request(input) {
      // A conflict means an open handoff exists; if it closed before we could read it, try again.
      for (let attempt = 0; attempt < 5; attempt++) {
        const [inserted] = await query(sql.insert, [randomUUID(), input.sessionId, input.tenant ?? 'default', input.reason, input.priority ?? 0, input.summary.slice(0, 500), now()]);
        const found = inserted ?? (await query(sql.open, [input.sessionId]))[0];
        if (found === undefined) continue;
        const handoff = fromRow(found);
        return { handoff, created: inserted !== undefined, ...(await position(handoff)) };
      }
      throw new Error(`handoff for session ${input.sessionId} neither inserted nor found`);
    },
    async openFor(sessionId) {
      const [row] = await query(sql.open, [sessionId]);
      return row === undefined ? null : fromRow(row);
    },
    get,
    position,
    async list(status, limit = 50, tenant = null) {
      return (await (tenant === null ? query(sql.list, [status, limit]) : query(sql.listTenant, [status, limit, tenant]))).map(fromRow);
    },
    async claim(id, agent) {
      const [row] = await query(sql.claim, [agent, now(), id]);
      if (row === undefined) throw handoffConflict(await get(id), 'claim it');
      return fromRow(row);
    },
    async close(id, status) {
      const [row] = await query(status === 'cancelled' ? sql.closeOpen : sql.closeClaimed, [status, now(), id]);
      if (row !== undefined) return fromRow(row);
      throw handoffConflict(await get(id), status === 'cancelled' ? status : status === 'resolved' ? 'resolve it (claim it first)' : 'hand it back (claim it first)');
    },
    async shutdown() {
      // The pool belongs to the caller.
    },
  };
}
