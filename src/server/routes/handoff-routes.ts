import { Hono, type Context, type MiddlewareHandler } from 'hono';
import { z } from 'zod';
import { DEFAULT_TENANT, type ConversationStore } from '../../contracts/conversation-store.ts';
import { KefuError, notFound } from '../../errors.ts';
import type { Handoff, HandoffQueue } from '../../contracts/handoff-queue.ts';
import type { OutcomeTracker } from '../../contracts/outcome-tracker.ts';
import { maskPii } from '../../safety/pii/mask-pii.ts';
import type { SessionManager } from '../../sessions/session-manager.ts';
import type { AppEnv } from '../app-env.ts';
import type { AuditLog } from '../../contracts/audit-log.ts';
import type { SessionEvents } from '../../contracts/session-events.ts';
import { canSee } from '../auth.ts';
import { readJsonBody } from '../read-json-body.ts';
import { requestSessionAccess } from '../request-session-access.ts';
import { checkSessionAccess, type SessionAccess } from '../../sessions/session-token.ts';

/**
 * The agent API: list the queue, claim a conversation, reply in it, resolve it or hand it back to
 * the bot. While an agent owns a session the bot stays silent; the customer reads agent replies
 * with `GET /v1/chat/sessions/:id/messages` and its session token (X-Kefu-Session-Token), or a key.
 */
const iso = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString());

const view = async (h: Handoff, queue: HandoffQueue) => ({
  id: h.id,
  session_id: h.sessionId,
  reason: h.reason,
  status: h.status,
  priority: h.priority,
  summary: h.summary,
  agent: h.agent,
  created_at: iso(h.createdAt),
  claimed_at: iso(h.claimedAt),
  closed_at: iso(h.closedAt),
  ...(h.status === 'queued' ? { position: (await queue.position(h)).position } : {}),
});

const Agent = z.object({ agent: z.string().trim().min(1).max(64) });
const AgentMessage = z.object({ text: z.string().trim().min(1).max(4000), agent: z.string().trim().min(1).max(64).optional() });
const Rating = z.object({ score: z.number().int().min(1).max(5), comment: z.string().max(1000).optional() });
const STATUSES = ['queued', 'assigned', 'resolved', 'returned', 'cancelled'] as const;

export interface HandoffRouteDeps {
  handoffs: HandoffQueue;
  sessions: SessionManager;
  store: ConversationStore;
  outcomes: OutcomeTracker;
  audit: Pick<AuditLog, 'append'>;
  /** Pushes agent messages and notices to connected app sockets at once (they poll otherwise). */
  events?: SessionEvents;
  admin: MiddlewareHandler<AppEnv>;
  agent: MiddlewareHandler<AppEnv>;
  channel: MiddlewareHandler<AppEnv>;
}

export function handoffRoutes(deps: HandoffRouteDeps) {
  const app = new Hono<AppEnv>();
  // In two parts so each reads on its own: the agents' queue, and the session side (agent
  // messages, the customer's poll and rating).
  queueRoutes(app, deps);
  sessionRoutes(app, deps);
  return app;
}

// Another tenant's handoff or session is "not found", never "forbidden": ids do not leak.
async function visibleHandoff(handoffs: HandoffQueue, c: Context<AppEnv>): Promise<Handoff> {
  const h = await handoffs.get(c.req.param('id') ?? '');
  if (!canSee(c.get('principal'), h.tenant)) throw notFound('handoff_not_found', `No handoff ${h.id}`);
  return h;
}

async function visibleSession(store: ConversationStore, c: Context<AppEnv>, tenant: string | null, access?: SessionAccess): Promise<string> {
  const sessionId = c.req.param('id') ?? '';
  const conversation = await store.getConversation(sessionId);
  if (conversation === null || (tenant !== null && conversation.tenant !== tenant)) throw notFound('session_not_found', `No session ${sessionId}`);
  if (access !== undefined) checkSessionAccess(conversation, access);
  return sessionId;
}

/** The handoff queue: list, read, claim, resolve, release. */
function queueRoutes(app: Hono<AppEnv>, deps: HandoffRouteDeps): void {
  const { handoffs, agent } = deps;
  app.get('/v1/handoffs', agent, async (c) => {
    const status = c.req.query('status') ?? 'queued';
    if (!(STATUSES as readonly string[]).includes(status)) throw new KefuError('invalid_status', `status must be one of ${STATUSES.join(', ')}`, { status: 400 });
    const limit = Number(c.req.query('limit') ?? 50);
    if (!Number.isInteger(limit) || limit < 1 || limit > 500) throw new KefuError('invalid_limit', 'limit must be an integer from 1 to 500', { status: 400 });
    const list = await handoffs.list(status as (typeof STATUSES)[number], limit, c.get('principal')!.tenant);
    return c.json({ handoffs: await Promise.all(list.map((h) => view(h, handoffs))) });
  });

  app.get('/v1/handoffs/:id', agent, async (c) => c.json(await view(await visibleHandoff(handoffs, c), handoffs)));

  app.post('/v1/handoffs/:id/claim', agent, async (c) => {
    const body = await readJsonBody(c, Agent.partial());
    const p = c.get('principal')!;
    // An agent key claims as itself; admins name the agent.
    const name = p.role === 'agent' ? p.name : body.agent;
    if (name === undefined) throw new KefuError('agent_required', 'agent is required when claiming with an admin key', { status: 400 });
    const h = await handoffs.claim((await visibleHandoff(handoffs, c)).id, name);
    const note = await deps.sessions.record({ sessionId: h.sessionId, role: 'system', content: `agent ${name} joined`, meta: { event: 'handoff_claimed', handoff: h.id, agent: name } });
    deps.events?.publish(h.sessionId, note);
    return c.json(await view(h, handoffs));
  });

  // A claim is the holder's: another agent cannot take it back to the queue or close it under
  // them. An admin key (the tenant's supervisor, or an admin of every tenant) can.
  const close = (status: 'resolved' | 'returned') => async (c: Parameters<MiddlewareHandler<AppEnv>>[0]) => {
    const visible = await visibleHandoff(handoffs, c);
    const p = c.get('principal')!;
    if (p.role !== 'admin' && visible.status === 'assigned' && visible.agent !== p.name) {
      throw new KefuError('claim_held_by_other', `Handoff ${visible.id} is claimed by agent ${visible.agent ?? ''}; only that agent or a supervisor (admin key) can ${status === 'resolved' ? 'resolve' : 'release'} it`, { status: 403 });
    }
    const h = await handoffs.close(visible.id, status);
    const note = await deps.sessions.record({ sessionId: h.sessionId, role: 'system', content: status === 'resolved' ? 'agent resolved the conversation' : 'agent handed the conversation back to the bot', meta: { event: `handoff_${status}`, handoff: h.id } });
    deps.events?.publish(h.sessionId, note);
    return c.json(await view(h, handoffs));
  };
  app.post('/v1/handoffs/:id/resolve', agent, close('resolved'));
  app.post('/v1/handoffs/:id/release', agent, close('returned'));
}

/** Messages in a handed-off session: the agent's replies, the customer's poll, the rating, outcome stats. */
function sessionRoutes(app: Hono<AppEnv>, deps: HandoffRouteDeps): void {
  const { handoffs, admin, agent } = deps;
  app.post('/v1/sessions/:id/agent-messages', agent, async (c) => {
    const p = c.get('principal')!;
    const sessionId = await visibleSession(deps.store, c, p.tenant);
    const body = await readJsonBody(c, AgentMessage);
    if (p.role === 'agent') body.agent = p.name;
    const open = await handoffs.openFor(sessionId);
    if (open === null || open.status !== 'assigned') {
      throw new KefuError('handoff_not_claimed', `Session ${sessionId} has no handoff claimed by an agent; claim it first`, { status: 409 });
    }
    if (body.agent !== undefined && open.agent !== body.agent) {
      throw new KefuError('handoff_conflict', `Session ${sessionId} is handled by agent ${open.agent}`, { status: 409 });
    }
    // Agents type PII too (a callback number...): the transcript stores it masked like any text.
    const masked = maskPii(body.text);
    const m = await deps.sessions.record({ sessionId, role: 'agent', content: masked, meta: { agent: open.agent, handoff: open.id } });
    deps.events?.publish(sessionId, m);
    await deps.audit.append({ kind: 'agent_message', sessionId, channel: 'agent', content: masked, model: `agent:${open.agent ?? ''}`, promptVersion: null, sources: [], guard: {}, latencyMs: null, meta: { messageId: m.id, handoff: open.id } });
    return c.json({ message_id: m.id, session_id: sessionId, created_at: iso(m.createdAt) }, 201);
  });

  // Customer side: agent replies and notices since a message, for the widget to poll.
  app.get('/v1/chat/sessions/:id/messages', deps.channel, async (c) => {
    const sessionId = await visibleSession(deps.store, c, c.get('principal')?.tenant ?? DEFAULT_TENANT, requestSessionAccess(c));
    const after = c.req.query('after');
    const all = await deps.store.listMessages(sessionId);
    const from = after === undefined ? 0 : all.findIndex((m) => m.id === after) + 1;
    if (after !== undefined && from === 0) throw notFound('message_not_found', `No message ${after} in session ${sessionId}`);
    const open = await handoffs.openFor(sessionId);
    return c.json({
      session_id: sessionId,
      handoff: open === null ? null : { status: open.status, ...(open.status === 'queued' ? await handoffs.position(open) : {}) },
      messages: all.slice(from).map((m) => ({ id: m.id, role: m.role, content: m.content, created_at: iso(m.createdAt) })),
    });
  });

  app.post('/v1/sessions/:id/rating', deps.channel, async (c) => {
    await visibleSession(deps.store, c, c.get('principal')?.tenant ?? DEFAULT_TENANT, requestSessionAccess(c));
    const body = await readJsonBody(c, Rating);
    // The comment is the customer's free text: it is stored masked, like the transcript.
    await deps.outcomes.rate(c.req.param('id'), body.score, body.comment === undefined ? null : maskPii(body.comment));
    return c.json({ session_id: c.req.param('id'), score: body.score }, 201);
  });

  app.get('/v1/stats/outcomes', admin, async (c) => c.json(await deps.outcomes.stats()));
}
