import { Hono } from 'hono';
import { secureHeaders } from 'hono/secure-headers';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readSse, startTestServer, type TestServer } from '../support/start-test-server.ts';

/**
 * The fixed headers (src/server/fixed-headers.ts) are set on the Node response, not through Hono:
 * every kind of response a real server gives still carries what Hono's secureHeaders gave, and the
 * API its CORS headers.
 */
async function honoSecureHeaders(): Promise<Map<string, string>> {
  const app = new Hono();
  app.use(secureHeaders({ crossOriginResourcePolicy: false, crossOriginOpenerPolicy: false }));
  app.get('/', (c) => c.text('x'));
  const res = await app.request('/');
  const headers = new Map<string, string>();
  res.headers.forEach((v, k) => {
    if (k !== 'content-type') headers.set(k, v);
  });
  return headers;
}

const origin = { origin: 'https://shop.example' };

describe('fixed headers over HTTP', () => {
  let server: TestServer;
  let shopOnly: TestServer;
  let expected: Map<string, string>;
  beforeAll(async () => {
    [server, shopOnly, expected] = await Promise.all([startTestServer(), startTestServer({ KEFU_CORS_ORIGINS: 'https://shop.example' }), honoSecureHeaders()]);
  }, 60_000);
  afterAll(async () => {
    await server.destroy();
    await shopOnly.destroy();
  });

  const chat = (url: string, body: unknown, headers: Record<string, string> = {}): Promise<Response> =>
    fetch(`${url}/v1/chat`, { method: 'POST', headers: { 'content-type': 'application/json', ...origin, ...headers }, body: JSON.stringify(body) });

  it('every response carries the security headers; the API answers CORS', async () => {
    expect(expected.size).toBeGreaterThan(5);
    const responses = {
      page: await fetch(`${server.url}/`),
      json: await chat(server.url, { message: 'hello' }),
      sse: await chat(server.url, { message: 'hello' }, { accept: 'text/event-stream' }),
      badRequest: await chat(server.url, { message: 42 }),
      notFound: await fetch(`${server.url}/v1/nothing-here`, { headers: origin }),
    };
    for (const [name, res] of Object.entries(responses)) {
      for (const [k, v] of expected) expect(`${name} ${k}: ${res.headers.get(k)}`).toBe(`${name} ${k}: ${v}`);
      expect(`${name} ${res.headers.get('access-control-allow-origin')}`).toBe(`${name} ${name === 'page' ? null : '*'}`);
    }
    expect(responses.json.status).toBe(200);
    expect(responses.badRequest.status).toBe(400);
    expect(responses.notFound.status).toBe(404);
    expect((await readSse(responses.sse)).at(-1)?.event).toBe('done');
  }, 60_000);

  it('a configured origin list answers that origin only, with Vary', async () => {
    const ok = await chat(shopOnly.url, { message: 'hello' });
    expect(ok.headers.get('access-control-allow-origin')).toBe('https://shop.example');
    expect(ok.headers.get('vary')).toContain('Origin');
    for (const [k, v] of expected) expect(ok.headers.get(k)).toBe(v);
    const other = await chat(shopOnly.url, { message: 'hello' }, { origin: 'https://elsewhere.example' });
    expect(other.headers.get('access-control-allow-origin')).toBeNull();
  }, 60_000);
});
