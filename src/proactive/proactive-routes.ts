import { Hono, type MiddlewareHandler } from 'hono';
import { z } from 'zod';
import { DEFAULT_TENANT, type ConversationStore } from '../contracts/conversation-store.ts';
import { badRequest, notFound } from '../errors.ts';
import type { AppEnv } from '../server/app-env.ts';
import { readJsonBody } from '../server/read-json-body.ts';
import { requestSessionAccess } from '../server/request-session-access.ts';
import { checkSessionAccess } from '../sessions/session-token.ts';
import { normalisePage, PAGE_EVENT_TYPES } from './proactive-rules.ts';
import type { ProactiveService } from './proactive-service.ts';

/**
 * `POST /v1/events`: the widget's page events (public, like chat: the visitor id is a random id
 * the widget keeps in localStorage); the answer says whether to open the widget and with what.
 * An event that names a session needs its token (or a key of its tenant), as every other entry
 * does: a session id is a name, and triggers are recorded against it.
 * `GET /v1/admin/proactive`: the rules and how often each fired, for the dashboard.
 */
const PageEventBody = z.object({
  session_id: z.string().min(1).max(128).optional(),
  /** The session's token; the X-Kefu-Session-Token header is taken as well. */
  session_token: z.string().min(1).max(128).optional(),
  visitor_id: z.string().trim().min(1, 'visitor_id must not be empty').max(128),
  type: z.enum(PAGE_EVENT_TYPES),
  page: z.string().trim().min(1, 'page must not be empty').max(2048),
  /** Time on the current page or step; the widget reports it every 15 s. */
  dwell_ms: z.number().int().min(0).max(7 * 86_400_000).optional(),
  /** Which of the rule's messages to answer with; default zh. */
  lang: z.enum(['zh', 'en']).optional(),
});

export function proactiveRoutes(deps: {
  service: ProactiveService;
  admin: MiddlewareHandler<AppEnv>;
  /** The customer endpoints' key check: a channel, agent or admin key stands in for a session token. */
  channel: MiddlewareHandler<AppEnv>;
  /** Where an event's session is looked up (its tenant and token hash). */
  sessions: Pick<ConversationStore, 'getConversation'>;
  /** The per-client rate limiter the chat endpoints use; events are public too. */
  limiter?: MiddlewareHandler<AppEnv>;
}) {
  const app = new Hono<AppEnv>();
  if (deps.limiter !== undefined) app.use('/v1/events', deps.limiter);

  app.post('/v1/events', deps.channel, async (c) => {
    const body = await readJsonBody(c, PageEventBody);
    if (body.session_id !== undefined) {
      // As chat does: another tenant's session is not found, and the token (or a key) is checked.
      const conversation = await deps.sessions.getConversation(body.session_id);
      if (conversation === null || conversation.tenant !== (c.get('principal')?.tenant ?? DEFAULT_TENANT)) {
        throw notFound('session_not_found', `session ${body.session_id} does not exist`);
      }
      checkSessionAccess(conversation, requestSessionAccess(c, body.session_token));
    }
    const decision = await deps.service.evaluate({
      visitorId: body.visitor_id,
      type: body.type,
      page: normalisePage(body.page),
      ...(body.session_id === undefined ? {} : { sessionId: body.session_id }),
      ...(body.dwell_ms === undefined ? {} : { dwellMs: body.dwell_ms }),
    });
    if (!decision.open) return c.json({ open: false });
    return c.json({ open: true, rule: decision.rule.id, message: decision.rule.message[body.lang ?? 'zh'] });
  });

  app.get('/v1/admin/proactive', deps.admin, async (c) => {
    const raw = c.req.query('days') ?? '14';
    const days = /^\d{1,3}$/.test(raw) ? Number(raw) : Number.NaN;
    if (!(days >= 1 && days <= 400)) throw badRequest('invalid_days', 'days must be an integer from 1 to 400');
    return c.json(await deps.service.stats(days));
  });

  return app;
}
