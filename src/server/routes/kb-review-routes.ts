import { Hono, type MiddlewareHandler } from 'hono';
import type { KbReview } from '../../contracts/knowledge-base.ts';
import { notFound } from '../../errors.ts';
import type { AppEnv } from '../app-env.ts';

export const isKbReview = (kb: object): kb is KbReview =>
  typeof (kb as Partial<KbReview>).quarantined === 'function' && typeof (kb as Partial<KbReview>).approve === 'function' && typeof (kb as Partial<KbReview>).reject === 'function';

/**
 * Review of documents the knowledge-base scanner held back (docs/knowledge-trust.md): list them
 * with the reasons, approve one (indexed as it is, until its content changes) or reject it
 * (deleted). Admin only: a quarantined document may hold a password or someone's phone number.
 */
export function kbReviewRoutes(deps: { review: KbReview; admin: MiddlewareHandler }) {
  const app = new Hono<AppEnv>();

  app.get('/v1/admin/kb/quarantine', deps.admin, async (c) => c.json({ documents: await deps.review.quarantined() }));

  app.post('/v1/admin/kb/quarantine/:id/approve', deps.admin, async (c) => {
    const id = c.req.param('id');
    if (!(await deps.review.approve(id))) throw notFound('document_not_quarantined', `No quarantined document ${id}`);
    return c.json({ id, status: 'active' });
  });

  app.post('/v1/admin/kb/quarantine/:id/reject', deps.admin, async (c) => {
    const id = c.req.param('id');
    if (!(await deps.review.reject(id))) throw notFound('document_not_quarantined', `No quarantined document ${id}`);
    return c.json({ id, status: 'rejected' });
  });

  return app;
}
