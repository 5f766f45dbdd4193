import { randomUUID } from 'node:crypto';
import Database from 'better-sqlite3';
import { KefuError, notFound } from '../errors.ts';

/**
 * The human queue. A session has at most one open handoff (queued or assigned); asking again
 * returns the open one. Agents claim the oldest highest-priority one, reply, then resolve it or
 * hand the session back to the bot. Lives in the conversation database (migration 3).
 */
export type HandoffStatus = 'queued' | 'assigned' | 'resolved' | 'returned' | 'cancelled';

export interface Handoff {
  id: string;
  sessionId: string;
  tenant: string;
  reason: string;
  status: HandoffStatus;
  priority: number;
  summary: string;
  agent: string | null;
  createdAt: number;
  claimedAt: number | null;
  closedAt: number | null;
}

export interface QueuePosition {
  /** 1 = next to be served; 0 once an agent has it. */
  position: number;
  waitMinutes: number;
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

/** Minutes an agent spends per conversation until enough have been resolved to measure it. */
const DEFAULT_SERVICE_MINUTES = 5;

export function createHandoffQueue(options: { path: string; now?: () => number }) {
  const now = options.now ?? Date.now;
  const db = new Database(options.path, { timeout: 5000 });
  db.pragma('journal_mode = WAL');
  const s = {
    open: db.prepare<[string], Row>(`SELECT * FROM handoffs WHERE session_id = ? AND status IN ('queued', 'assigned')`),
    get: db.prepare<[string], Row>('SELECT * FROM handoffs WHERE id = ?'),
    insert: db.prepare(`INSERT INTO handoffs (id, session_id, tenant, reason, status, priority, summary, created_at) VALUES (?, ?, ?, ?, 'queued', ?, ?, ?)`),
    ahead: db.prepare<[number, number, number], { n: number }>(`SELECT COUNT(*) AS n FROM handoffs WHERE status = 'queued' AND (priority > ? OR (priority = ? AND created_at <= ?))`),
    agents: db.prepare<[], { n: number }>(`SELECT COUNT(DISTINCT agent) AS n FROM handoffs WHERE status = 'assigned'`),
    service: db.prepare<[], { m: number | null }>(`SELECT AVG(closed_at - claimed_at) / 60000.0 AS m FROM (SELECT closed_at, claimed_at FROM handoffs WHERE status IN ('resolved', 'returned') AND claimed_at IS NOT NULL ORDER BY closed_at DESC LIMIT 50)`),
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
    const ahead = s.ahead.get(h.priority, h.priority, h.createdAt)!.n;
    const agents = Math.max(1, s.agents.get()!.n);
    const perConversation = s.service.get()!.m ?? DEFAULT_SERVICE_MINUTES;
    return { position: ahead, waitMinutes: Math.max(1, Math.ceil((ahead * perConversation) / agents)) };
  }

  const conflict = (h: Handoff, wanted: string) =>
    new KefuError('handoff_conflict', `Handoff ${h.id} is ${h.status}${h.agent === null ? '' : ` (agent ${h.agent})`}, cannot ${wanted}`, { status: 409 });

  return {
    /** Idempotent per session: an open handoff is returned as is (`created: false`). */
    request(input: { sessionId: string; tenant?: string; reason: string; summary: string; priority?: number }): { handoff: Handoff; created: boolean } & QueuePosition {
      const create = db.transaction(() => {
        const existing = s.open.get(input.sessionId);
        if (existing !== undefined) return { handoff: fromRow(existing), created: false };
        const id = randomUUID();
        s.insert.run(id, input.sessionId, input.tenant ?? 'default', input.reason, input.priority ?? 0, input.summary.slice(0, 500), now());
        return { handoff: get(id), created: true };
      });
      const result = create.immediate();
      return { ...result, ...position(result.handoff) };
    },
    openFor(sessionId: string): Handoff | null {
      const row = s.open.get(sessionId);
      return row === undefined ? null : fromRow(row);
    },
    get,
    position,
    /** `tenant` null: every tenant's. */
    list(status: HandoffStatus, limit = 50, tenant: string | null = null): Handoff[] {
      return (tenant === null ? s.list.all(status, limit) : s.listTenant.all(tenant, status, limit)).map(fromRow);
    },
    claim(id: string, agent: string): Handoff {
      const h = get(id);
      if (s.claim.run(agent, now(), id).changes === 0) throw conflict(h, 'claim it');
      return get(id);
    },
    /** resolved: the agent solved it; returned: the bot takes the session back; cancelled: the customer withdrew. */
    close(id: string, status: 'resolved' | 'returned' | 'cancelled'): Handoff {
      const h = get(id);
      if (status !== 'cancelled' && h.status !== 'assigned') throw conflict(h, status === 'resolved' ? 'resolve it (claim it first)' : 'hand it back (claim it first)');
      if (s.close.run(status, now(), id).changes === 0) throw conflict(h, status);
      return get(id);
    },
    shutdown(): void {
      db.close();
    },
  };
}

export type HandoffQueue = ReturnType<typeof createHandoffQueue>;
