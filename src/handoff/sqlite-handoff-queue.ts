import { randomUUID } from 'node:crypto';
import { openSharedSqlite } from '../store/sqlite/shared-sqlite.ts';
import { type Handoff, type HandoffQueue, type HandoffStatus, type QueuePosition } from '../contracts/handoff-queue.ts';
import { notFound } from '../errors.ts';
import { handoffConflict } from './handoff-conflict.ts';
import { queuePosition } from './queue-position.ts';

interface Row {
  id: string;
  session_id: string;
  tenant: string;
  reason: string;
  status: HandoffStatus;
  priority: number;
  summary: string;
  agent: string | null;
  created_at: number;
  claimed_at: number | null;
  closed_at: number | null;
}

const fromRow = (r: Row): Handoff => ({
  id: r.id,
  sessionId: r.session_id,
  tenant: r.tenant,
  reason: r.reason,
  status: r.status,
  priority: r.priority,
  summary: r.summary,
  agent: r.agent,
  createdAt: r.created_at,
  claimedAt: r.claimed_at,
  closedAt: r.closed_at,
});

/**
 * The human queue in one node's conversation database (migration 3). SQLite serialises writers,
 * so the conditional UPDATE of `claim` is enough to let exactly one agent win.
 */
export function createSqliteHandoffQueue(options: { path: string; now?: () => number }): HandoffQueue {
  const now = options.now ?? Date.now;
  // The file's one connection (shared-sqlite.ts), with the settings the file's stores share.
  const shared = openSharedSqlite(options.path);
  const { db } = shared;
  const s = {
    open: db.prepare<[string], Row>(`SELECT * FROM handoffs WHERE session_id = ? AND status IN ('queued', 'assigned')`),
    get: db.prepare<[string], Row>('SELECT * FROM handoffs WHERE id = ?'),
    insert: db.prepare(`INSERT INTO handoffs (id, session_id, tenant, reason, status, priority, summary, created_at) VALUES (?, ?, ?, ?, 'queued', ?, ?, ?)`),
    // A tenant's customers wait in that tenant's queue, for that tenant's agents.
    ahead: db.prepare<[string, number, number, number], { n: number }>(`SELECT COUNT(*) AS n FROM handoffs WHERE tenant = ? AND status = 'queued' AND (priority > ? OR (priority = ? AND created_at <= ?))`),
    agents: db.prepare<[string], { n: number }>(`SELECT COUNT(DISTINCT agent) AS n FROM handoffs WHERE tenant = ? AND status = 'assigned'`),
    service: db.prepare<[string], { m: number | null }>(`SELECT AVG(closed_at - claimed_at) / 60000.0 AS m FROM (SELECT closed_at, claimed_at FROM handoffs WHERE tenant = ? AND status IN ('resolved', 'returned') AND claimed_at IS NOT NULL ORDER BY closed_at DESC LIMIT 50)`),
    list: db.prepare<[string, number], Row>(`SELECT * FROM handoffs WHERE status = ? ORDER BY priority DESC, created_at, id LIMIT ?`),
    listTenant: db.prepare<[string, string, number], Row>(`SELECT * FROM handoffs WHERE tenant = ? AND status = ? ORDER BY priority DESC, created_at, id LIMIT ?`),
    claim: db.prepare(`UPDATE handoffs SET status = 'assigned', agent = ?, claimed_at = ? WHERE id = ? AND status = 'queued'`),
    close: db.prepare(`UPDATE handoffs SET status = ?, closed_at = ? WHERE id = ? AND status IN ('queued', 'assigned')`),
  };

  const get = (id: string): Handoff => {
    const row = s.get.get(id);
    if (row === undefined) throw notFound('handoff_not_found', `No handoff ${id}`);
    return fromRow(row);
  };

  function position(h: Handoff): QueuePosition {
    if (h.status !== 'queued') return { position: 0, waitMinutes: 0 };
    return queuePosition(s.ahead.get(h.tenant, h.priority, h.priority, h.createdAt)!.n, s.agents.get(h.tenant)!.n, s.service.get(h.tenant)!.m);
  }

  return {
    async request(input) {
      const create = db.transaction(() => {
        const existing = s.open.get(input.sessionId);
        if (existing !== undefined) return { handoff: fromRow(existing), created: false };
        const id = randomUUID();
        s.insert.run(id, input.sessionId, input.tenant ?? 'default', input.reason, input.priority ?? 0, input.summary.slice(0, 500), now());
        return { handoff: get(id), created: true };
      });
      const result = create.immediate();
      return Object.assign({}, result, position(result.handoff));
    },
    async openFor(sessionId) {
      const row = s.open.get(sessionId);
      return row === undefined ? null : fromRow(row);
    },
    get: async (id) => get(id),
    position: async (h) => position(h),
    async list(status, limit = 50, tenant = null) {
      return (tenant === null ? s.list.all(status, limit) : s.listTenant.all(tenant, status, limit)).map(fromRow);
    },
    async claim(id, agent) {
      const h = get(id);
      if (s.claim.run(agent, now(), id).changes === 0) throw handoffConflict(h, 'claim it');
      return get(id);
    },
    async close(id, status) {
      const h = get(id);
      if (status !== 'cancelled' && h.status !== 'assigned') throw handoffConflict(h, status === 'resolved' ? 'resolve it (claim it first)' : 'hand it back (claim it first)');
      if (s.close.run(status, now(), id).changes === 0) throw handoffConflict(h, status);
      return get(id);
    },
    async shutdown() {
      shared.release();
    },
  };
}
