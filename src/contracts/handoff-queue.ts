/**
 * The human queue. A session has at most one open handoff (queued or assigned); asking again
 * returns the open one. Agents claim the oldest highest-priority one, reply, then resolve it or
 * hand the session back to the bot. SQLite holds it on one node, PostgreSQL when several nodes
 * share one queue (test/handoff/handoff-queue.contract.ts runs against both).
 *
 * Refinements every adapter keeps:
 * - `claim` is atomic: of several agents (on any node) claiming one handoff, exactly one wins;
 *   the others get `handoff_conflict` (409).
 * - Positions and wait estimates are computed from the shared queue, so every node tells a
 *   customer the same thing, and from the handoff's own tenant's queue and agents only.
 * - Unknown ids are `handoff_not_found` (404).
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

export interface HandoffRequest {
  sessionId: string;
  tenant?: string;
  reason: string;
  summary: string;
  priority?: number;
}

/** How a handoff ends: the agent solved it, the bot takes the session back, the customer withdrew. */
export type HandoffClosing = 'resolved' | 'returned' | 'cancelled';

export interface HandoffQueue {
  /** Idempotent per session: an open handoff is returned as is (`created: false`). */
  request(input: HandoffRequest): Promise<{ handoff: Handoff; created: boolean } & QueuePosition>;
  openFor(sessionId: string): Promise<Handoff | null>;
  get(id: string): Promise<Handoff>;
  position(h: Handoff): Promise<QueuePosition>;
  /** Priority first, then oldest; `tenant` null: every tenant's. */
  list(status: HandoffStatus, limit?: number, tenant?: string | null): Promise<Handoff[]>;
  claim(id: string, agent: string): Promise<Handoff>;
  /** `resolved` and `returned` need a claimed handoff; `cancelled` works on a queued one too. */
  close(id: string, status: HandoffClosing): Promise<Handoff>;
  shutdown(): Promise<void>;
}

/** Minutes an agent spends per conversation until enough have been resolved to measure it. */
export const DEFAULT_SERVICE_MINUTES = 5;
