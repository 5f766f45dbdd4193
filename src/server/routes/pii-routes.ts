import { Hono, type MiddlewareHandler } from 'hono';
import { z } from 'zod';
import type { PiiEngine } from '../../safety/pii/create-pii-engine.ts';
import type { AppEnv } from '../app-env.ts';
import { readJsonBody } from '../read-json-body.ts';

const MAX_TEXT = 20_000;
const Text = z.string().min(1).max(MAX_TEXT, `text is limited to ${MAX_TEXT} characters`);
const AnalyzeBody = z.object({ text: Text });
// Pseudonyms need a session and its vault, so they are not offered over HTTP.
const MaskBody = z.object({ text: Text, mode: z.enum(['placeholder', 'partial']).optional() });

/**
 * `POST /v1/pii/analyze {text}` → `{entities: [{type, start, end, score}]}` (offsets in UTF-16
 * code units, as JavaScript counts) and `POST /v1/pii/mask {text, mode?}` → `{text, entities}`.
 * The found values themselves are not echoed: a caller that sent the text can slice it.
 *
 * Both need a key (any role: a channel key for a shop's server, an agent or admin key) and are
 * rate limited per client: they run every recognizer over up to 20,000 characters, and as a
 * public route they were an open door for CPU exhaustion (issue 13).
 */
export function piiRoutes(deps: { engine: PiiEngine; auth: MiddlewareHandler<AppEnv>; limiter?: MiddlewareHandler<AppEnv> }) {
  const app = new Hono<AppEnv>();
  // The limiter first, so unauthenticated floods are counted too.
  if (deps.limiter !== undefined) app.use('/v1/pii/*', deps.limiter);
  app.use('/v1/pii/*', deps.auth);

  app.post('/v1/pii/analyze', async (c) => {
    const { text } = await readJsonBody(c, AnalyzeBody);
    const entities = deps.engine.analyze(text).map(({ type, start, end, score }) => ({ type, start, end, score }));
    return c.json({ entities });
  });

  app.post('/v1/pii/mask', async (c) => {
    const body = await readJsonBody(c, MaskBody);
    const result = deps.engine.mask(body.text, { mode: body.mode ?? 'placeholder' });
    return c.json({ text: result.text, entities: result.entities.map(({ type, start, end, score }) => ({ type, start, end, score })) });
  });

  return app;
}
