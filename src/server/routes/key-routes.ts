import { Hono, type MiddlewareHandler } from 'hono';
import { z } from 'zod';
import type { ApiKeyInfo, ApiKeyStore } from '../../contracts/api-key-store.ts';
import type { AppEnv } from '../app-env.ts';
import { readJsonBody } from '../read-json-body.ts';

/** Admin management of agent, channel and admin keys; a key is shown once, at creation. */
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
    const { key, info } = await deps.keys.create({ name: body.name, role: body.role, ...(body.tenant === undefined ? {} : { tenant: body.tenant }) });
    return c.json({ ...view(info), key }, 201);
  });
  app.get('/v1/keys', deps.admin, async (c) => c.json({ keys: (await deps.keys.list()).map(view) }));
  app.delete('/v1/keys/:id', deps.admin, async (c) => c.json(view(await deps.keys.revoke(c.req.param('id')))));
  return app;
}
