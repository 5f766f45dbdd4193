import { Hono, type MiddlewareHandler } from 'hono';
import { z } from 'zod';
import { badRequest } from '../errors.ts';
import type { AppEnv } from '../server/app-env.ts';
import { readJsonBody } from '../server/read-json-body.ts';
import { normalisePage, PAGE_EVENT_TYPES } from './proactive-rules.ts';
import type { ProactiveService } from './proactive-service.ts';

/**
 * `POST /v1/events`: the widget's page events (public, like chat: the visitor id is a random id
 * the widget keeps in localStorage); the answer says whether to open the widget and with what.
 * `GET /v1/admin/proactive`: the rules and how often each fired, for the dashboard.
 */
const PageEventBody = z.object({
  session_id: z.string().min(1).max(128).optional(),
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
  /** The per-client rate limiter the chat endpoints use; events are public too. */
  limiter?: MiddlewareHandler<AppEnv>;
}) {
  const app = new Hono<AppEnv>();
  if (deps.limiter !== undefined) app.use('/v1/events', deps.limiter);

  app.post('/v1/events', async (c) => {
    const body = await readJsonBody(c, PageEventBody);
    const decision = deps.service.evaluate({
      visitorId: body.visitor_id,
      type: body.type,
      page: normalisePage(body.page),
      ...(body.session_id === undefined ? {} : { sessionId: body.session_id }),
      ...(body.dwell_ms === undefined ? {} : { dwellMs: body.dwell_ms }),
    });
    if (!decision.open) return c.json({ open: false });
    return c.json({ open: true, rule: decision.rule.id, message: decision.rule.message[body.lang ?? 'zh'] });
  });

  app.get('/v1/admin/proactive', deps.admin, (c) => {
    const raw = c.req.query('days') ?? '14';
    const days = /^\d{1,3}$/.test(raw) ? Number(raw) : Number.NaN;
    if (!(days >= 1 && days <= 400)) throw badRequest('invalid_days', 'days must be an integer from 1 to 400');
    return c.json(deps.service.stats(days));
  });

  return app;
}
