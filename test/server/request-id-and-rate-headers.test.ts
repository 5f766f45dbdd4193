import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { postJson, startTestServer, type TestServer } from '../support/start-test-server.ts';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

/**
 * The headers a chat turn's answer carries from the request-id and rate-limit middleware, as a
 * client reads them over HTTP: the id (the client's own when it is a safe token of at most 255
 * characters, a random UUID otherwise), the draft-6 RateLimit headers, Retry-After on a refusal.
 */
describe('X-Request-Id and RateLimit headers on /v1/chat', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer({ KEFU_RATE_LIMIT_PER_MINUTE: '3' });
  });
  afterAll(async () => {
    await server.destroy();
  });
  const chat = (headers: Record<string, string> = {}, message = '你好') => postJson(`${server.url}/v1/chat`, { message }, headers);

  it('answers with an id, the limit, what is left of it and when it resets; a refusal says when to retry', async () => {
    const first = await chat();
    expect(first.status).toBe(200);
    const id = first.headers.get('x-request-id');
    expect(id).toMatch(UUID);
    expect(first.headers.get('ratelimit-policy')).toBe('3;w=60');
    expect(first.headers.get('ratelimit-limit')).toBe('3');
    expect(first.headers.get('ratelimit-remaining')).toBe('2');
    expect(Number(first.headers.get('ratelimit-reset'))).toBeGreaterThanOrEqual(1);
    expect(Number(first.headers.get('ratelimit-reset'))).toBeLessThanOrEqual(60);
    expect(first.headers.get('retry-after')).toBeNull();
    expect(first.headers.get('x-content-type-options')).toBe('nosniff');
    expect(first.headers.get('access-control-allow-origin')).toBe('*');
    expect(first.headers.get('content-type')).toMatch(/^application\/json/);

    // A client's own id comes back when it is a safe token; anything else gets a new one.
    const own = await chat({ 'x-request-id': 'shop-42_a=b' });
    expect(own.headers.get('x-request-id')).toBe('shop-42_a=b');
    expect(own.headers.get('ratelimit-remaining')).toBe('1');
    const refused = await chat({ 'x-request-id': 'not safe!' });
    const newId = refused.headers.get('x-request-id');
    expect(newId).toMatch(UUID);
    expect(newId).not.toBe(id);
    expect(refused.headers.get('ratelimit-remaining')).toBe('0');
    await refused.text();

    const over = await chat({ 'x-request-id': 'x'.repeat(256) });
    expect(over.status).toBe(429);
    expect(((await over.json()) as { error: { code: string } }).error.code).toBe('rate_limited');
    expect(over.headers.get('x-request-id')).toMatch(UUID);
    expect(over.headers.get('ratelimit-limit')).toBe('3');
    expect(over.headers.get('ratelimit-remaining')).toBe('0');
    expect(Number(over.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
    expect(Number(over.headers.get('retry-after'))).toBeLessThanOrEqual(60);
    expect(over.headers.get('x-content-type-options')).toBe('nosniff');
  });

  it('every route gets an id, a refused request too', async () => {
    const health = await fetch(`${server.url}/healthz`);
    expect(health.headers.get('x-request-id')).toMatch(UUID);
    expect(health.headers.get('ratelimit-limit')).toBeNull();
    await health.text();
    const missing = await fetch(`${server.url}/v1/sessions/not-a-session/messages`, { headers: { 'x-request-id': 'abc' } });
    expect(missing.status).toBeGreaterThanOrEqual(400);
    expect(missing.headers.get('x-request-id')).toBe('abc');
    await missing.text();
  });
});
