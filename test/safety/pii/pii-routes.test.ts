import { createHash } from 'node:crypto';
import { Hono } from 'hono';
import { rateLimiter } from 'hono-rate-limiter';
import { describe, expect, it } from 'vitest';
import type { ApiKeyInfo } from '../../../src/contracts/api-key-store.ts';
import { KefuError } from '../../../src/errors.ts';
import { createLogger } from '../../../src/logging/create-logger.ts';
import type { AppEnv } from '../../../src/server/app-env.ts';
import { createAuth } from '../../../src/server/auth.ts';
import { toErrorResponse } from '../../../src/server/error-handler.ts';
import { piiRoutes } from '../../../src/server/routes/pii-routes.ts';
import { createPiiEngine } from '../../../src/safety/pii/create-pii-engine.ts';

const ADMIN_KEY = 'kefu_admin_test_key';
const CHANNEL_KEY = 'kefu_channel_test_key';
const CHANNEL: ApiKeyInfo = { id: 'k1', name: 'shop backend', role: 'channel', tenant: 'default', createdAt: 0, revokedAt: null };

/** The routes on a bare Hono app with the real auth middleware, a real limiter and the real error mapping. */
function setup(options: { limit?: number } = {}) {
  const app = new Hono<AppEnv>();
  const logger = createLogger('silent');
  app.onError((err, c) => {
    const { status, body } = toErrorResponse(err, logger);
    return c.json(body, status);
  });
  const auth = createAuth({
    adminKeyHash: createHash('sha256').update(ADMIN_KEY).digest('hex'),
    keys: { verify: async (key: string) => (key === CHANNEL_KEY ? CHANNEL : null) },
  });
  const limiter = rateLimiter<AppEnv>({
    windowMs: 60_000,
    limit: options.limit ?? 1000,
    keyGenerator: () => 'one-client',
    handler: () => {
      throw new KefuError('rate_limited', 'Too many requests', { status: 429 });
    },
  });
  app.route('/', piiRoutes({ engine: createPiiEngine(), auth: auth.require('agent', 'channel'), limiter }));
  return app;
}

const post = async (app: Hono<AppEnv>, path: string, body: unknown, contentType = 'application/json', key: string | null = CHANNEL_KEY) => {
  const headers: Record<string, string> = { 'content-type': contentType };
  if (key !== null) headers.authorization = `Bearer ${key}`;
  const res = await app.request(path, { method: 'POST', headers, body: typeof body === 'string' ? body : JSON.stringify(body) });
  return { status: res.status, body: (await res.json()) as Record<string, unknown> };
};

const TEXT = '我叫张伟，电话13812345678';

describe('PII routes', () => {
  it('analyze returns types, offsets and scores, not the values', async () => {
    const res = await post(setup(), '/v1/pii/analyze', { text: TEXT });
    expect(res.status).toBe(200);
    expect(res.body).toEqual({
      entities: [
        { type: 'person_name', start: 2, end: 4, score: 0.85 },
        { type: 'phone', start: 7, end: 18, score: expect.any(Number) },
      ],
    });
    expect(JSON.stringify(res.body)).not.toContain('13812345678');
  });

  it('mask uses placeholders by default and partial masks on request', async () => {
    const app = setup();
    const placeholder = await post(app, '/v1/pii/mask', { text: TEXT });
    expect(placeholder.status).toBe(200);
    expect(placeholder.body.text).toBe('我叫[姓名]，电话[手机号]');
    expect((placeholder.body.entities as { type: string }[]).map((e) => e.type)).toEqual(['person_name', 'phone']);
    const partial = await post(app, '/v1/pii/mask', { text: TEXT, mode: 'partial' });
    expect(partial.body.text).toBe('我叫张*，电话138****5678');
  });

  it('rejects missing text, a bad mode, pseudonym mode, long text and non-JSON with 400', async () => {
    const app = setup();
    for (const [path, body] of [
      ['/v1/pii/analyze', {}],
      ['/v1/pii/analyze', { text: '' }],
      ['/v1/pii/analyze', { text: 42 }],
      ['/v1/pii/mask', { text: TEXT, mode: 'scramble' }],
      ['/v1/pii/mask', { text: TEXT, mode: 'pseudonym' }],
      ['/v1/pii/mask', { text: 'x'.repeat(20_001) }],
    ] as const) {
      const res = await post(app, path, body);
      expect(res.status, `${path} ${JSON.stringify(body).slice(0, 60)}`).toBe(400);
      expect((res.body.error as { code: string }).code).toBe('invalid_request');
    }
    expect((await post(app, '/v1/pii/analyze', '{not json')).status).toBe(400);
    expect((await post(app, '/v1/pii/analyze', 'text=1', 'text/plain')).status).toBe(400);
    expect((await post(app, '/v1/pii/analyze', { text: 'x'.repeat(20_000) })).status).toBe(200);
  });

  it('refuses a missing key with 401 and a wrong key with 403, with the error body (issue 13)', async () => {
    const app = setup();
    for (const path of ['/v1/pii/analyze', '/v1/pii/mask']) {
      const missing = await post(app, path, { text: TEXT }, 'application/json', null);
      expect(missing.status, path).toBe(401);
      expect(missing.body).toEqual({ error: { code: 'unauthorized', message: expect.any(String) } });
      const wrong = await post(app, path, { text: TEXT }, 'application/json', 'kefu_not_a_key');
      expect(wrong.status, path).toBe(403);
      expect(wrong.body).toEqual({ error: { code: 'forbidden', message: expect.any(String) } });
      expect(JSON.stringify(wrong.body)).not.toContain('13812345678');
    }
    expect((await post(app, '/v1/pii/analyze', { text: TEXT }, 'application/json', ADMIN_KEY)).status).toBe(200);
  });

  it('is rate limited per client, keyed or not, with 429', async () => {
    const app = setup({ limit: 3 });
    const statuses: number[] = [];
    for (let i = 0; i < 3; i++) statuses.push((await post(app, '/v1/pii/analyze', { text: TEXT }, 'application/json', null)).status);
    const limited = await post(app, '/v1/pii/mask', { text: TEXT });
    expect(statuses).toEqual([401, 401, 401]);
    expect(limited.status).toBe(429);
    expect((limited.body.error as { code: string }).code).toBe('rate_limited');
  });
});
