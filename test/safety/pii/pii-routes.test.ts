import { Hono } from 'hono';
import { describe, expect, it } from 'vitest';
import { createLogger } from '../../../src/logging/create-logger.ts';
import { toErrorResponse } from '../../../src/server/error-handler.ts';
import { piiRoutes } from '../../../src/server/routes/pii-routes.ts';
import { createPiiEngine } from '../../../src/safety/pii/create-pii-engine.ts';

/** The routes on a bare Hono app with the real error mapping. */
function setup() {
  const app = new Hono();
  const logger = createLogger('silent');
  app.onError((err, c) => {
    const { status, body } = toErrorResponse(err, logger);
    return c.json(body, status);
  });
  app.route('/', piiRoutes({ engine: createPiiEngine() }));
  return app;
}

const post = async (app: Hono, path: string, body: unknown, contentType = 'application/json') => {
  const res = await app.request(path, { method: 'POST', headers: { 'content-type': contentType }, body: typeof body === 'string' ? body : JSON.stringify(body) });
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
});
