import { Hono, type MiddlewareHandler } from 'hono';
import { z } from 'zod';
import type { KnowledgeBase } from '../../contracts/knowledge-base.ts';
import { badRequest } from '../../errors.ts';
import type { AppEnv } from '../app-env.ts';
import { readJsonBody } from '../read-json-body.ts';
import { isKbReview, kbReviewRoutes } from './kb-review-routes.ts';

const Doc = z.object({
  id: z.string().min(1).max(200),
  title: z.string().min(1).max(500),
  text: z.string().min(1).max(50_000),
  lang: z.enum(['zh', 'en']).optional(),
  category: z.string().max(100).optional(),
  url: z.string().url().optional(),
  /** Default policy: an admin key speaks for the shop. Reviews and supplier notes are `untrusted`. */
  trust: z.enum(['policy', 'untrusted']).optional(),
});
const DocsBody = z.union([Doc, z.object({ documents: z.array(Doc).min(1).max(5000) })]);

export function kbRoutes(deps: { kb: KnowledgeBase; admin: MiddlewareHandler }) {
  const app = new Hono<AppEnv>();

  app.get('/v1/kb/search', async (c) => {
    const q = (c.req.query('q') ?? '').trim();
    if (q.length === 0) throw badRequest('missing_query', 'Give a query with ?q=');
    if (q.length > 1000) throw badRequest('query_too_long', 'q is limited to 1000 characters');
    const kRaw = c.req.query('k');
    const k = kRaw === undefined ? 5 : Number(kRaw);
    if (!Number.isInteger(k) || k < 1 || k > 50) throw badRequest('invalid_k', 'k must be an integer from 1 to 50');
    const results = await deps.kb.search(q, k);
    return c.json({ query: q, results });
  });

  app.post('/v1/kb/documents', deps.admin, async (c) => {
    const body = await readJsonBody(c, DocsBody);
    const docs = 'documents' in body ? body.documents : [body];
    const clean = docs.map((d) => ({
      id: d.id,
      title: d.title,
      text: d.text,
      source: 'api',
      ...(d.lang === undefined ? {} : { lang: d.lang }),
      ...(d.category === undefined ? {} : { category: d.category }),
      ...(d.url === undefined ? {} : { url: d.url }),
      ...(d.trust === 'untrusted' ? { trust: d.trust } : {}),
    }));
    const result = await deps.kb.upsert(clean);
    // Quarantined documents are stored for review, not served: the caller is told which and why.
    return c.json(Object.assign({}, result, { quarantined: result.quarantined ?? [], ids: clean.map((d) => d.id) }), 201);
  });

  app.delete('/v1/kb/documents/:id', deps.admin, async (c) => {
    const removed = await deps.kb.remove(c.req.param('id'));
    if (!removed) return c.json({ error: { code: 'document_not_found', message: 'No such document' } }, 404);
    return c.body(null, 204);
  });

  app.get('/v1/kb/stats', async (c) => c.json(await deps.kb.stats()));

  if (isKbReview(deps.kb)) app.route('/', kbReviewRoutes({ review: deps.kb, admin: deps.admin }));

  return app;
}
