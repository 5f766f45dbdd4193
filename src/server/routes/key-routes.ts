import { Hono, type MiddlewareHandler } from 'hono';
import { z } from 'zod';
import type { ApiKeyInfo, ApiKeyStore } from '../../contracts/api-key-store.ts';
import { KefuError, notFound } from '../../errors.ts';
import type { AppEnv } from '../app-env.ts';
import { canSee } from '../auth.ts';
import { readJsonBody } from '../read-json-body.ts';

/**
 * Admin management of agent, channel and admin keys; a key is shown once, at creation. An admin
 * key of one tenant lists, makes and revokes that tenant's keys only (another tenant's key id is
 * "not found"), so it can never mint a key wider than itself.
 */
const NewKey = z.object({ name: z.string().min(1).max(64), role: z.enum(['admin', 'agent', 'channel']), tenant: z.string().min(1).max(64).optional() });

const view = (k: ApiKeyInfo) => ({
  id: k.id,
  name: k.name,
  role: k.role,
  tenant: k.tenant,
  created_at: new Date(k.createdAt).toISOString(),
  revoked_at: k.revokedAt === null ? null : new Date(k.revokedAt).toISOString(),
});

export function keyRoutes(deps: { keys: ApiKeyStore; admin: MiddlewareHandler<AppEnv> }) {
  const app = new Hono<AppEnv>();
  app.post('/v1/keys', deps.admin, async (c) => {
    const body = await readJsonBody(c, NewKey);
    const scope = c.get('principal')!.tenant;
    if (scope !== null && body.tenant !== undefined && body.tenant !== scope) {
      throw new KefuError('tenant_forbidden', `This key administers tenant ${scope} only; it cannot make keys for ${body.tenant}`, { status: 403 });
    }
    const tenant = scope ?? body.tenant;
    const { key, info } = await deps.keys.create({ name: body.name, role: body.role, ...(tenant === undefined ? {} : { tenant }) });
    return c.json(Object.assign({}, view(info), { key }), 201);
  });
  // An admin key of every tenant has tenant ALL_TENANTS, which no scoped key's tenant equals.
  app.get('/v1/keys', deps.admin, async (c) => c.json({ keys: (await deps.keys.list()).filter((k) => canSee(c.get('principal'), k.tenant)).map(view) }));
  app.delete('/v1/keys/:id', deps.admin, async (c) => {
    const id = c.req.param('id');
    if (c.get('principal')!.tenant !== null) {
      const k = (await deps.keys.list()).find((x) => x.id === id);
      if (k === undefined || !canSee(c.get('principal'), k.tenant)) throw notFound('key_not_found', `No API key ${id}`);
    }
    return c.json(view(await deps.keys.revoke(id)));
  });
  return app;
}
