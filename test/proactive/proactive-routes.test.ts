import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { serve } from '@hono/node-server';
import { Hono } from 'hono';
import { rateLimiter } from 'hono-rate-limiter';
import { afterEach, describe, expect, it } from 'vitest';
import { KefuError } from '../../src/errors.ts';
import { createLogger } from '../../src/logging/create-logger.ts';
import { createMetrics } from '../../src/metrics/create-metrics.ts';
import { proactiveRoutes } from '../../src/proactive/proactive-routes.ts';
import { parseProactiveRules } from '../../src/proactive/proactive-rules.ts';
import { createProactiveService, type ProactiveService } from '../../src/proactive/proactive-service.ts';
import { hashKey } from '../../src/server/admin-auth.ts';
import { createSqliteApiKeyStore } from '../../src/server/sqlite-api-key-store.ts';
import type { AppEnv } from '../../src/server/app-env.ts';
import { createAuth } from '../../src/server/auth.ts';
import { createErrorHandler } from '../../src/server/error-handler.ts';
import { newSessionToken } from '../../src/sessions/session-token.ts';
import { createSqliteConversationStore } from '../../src/store/sqlite/sqlite-conversation-store.ts';
import { useTempDir } from '../knowledge/temp-dir.ts';

const ADMIN = 'proactive-admin-key-0123456789';
const RULES = parseProactiveRules(`
version: 1
rules:
  - id: payment_hesitation
    when: { type: payment, min_dwell_ms: 60000, page: /checkout* }
    message: { zh: 支付遇到问题了吗?, en: Trouble paying? }
`, 'test');
const NOW = Date.parse('2026-11-24T10:00:00+08:00');

interface Site { url: string; service: ProactiveService; session: { id: string; token: string }; close(): Promise<void> }

describe('proactive routes over HTTP', () => {
  const tempDir = useTempDir();
  const open: Site[] = [];
  afterEach(async () => {
    for (const s of open.splice(0)) await s.close();
  });

  /** The routes with the real admin auth, error handler and (optionally) rate limiter, on a random port. */
  async function site(options: { limit?: number } = {}): Promise<Site> {
    const dir = tempDir();
    const store = createSqliteConversationStore({ path: path.join(dir, 'kefu.db') });
    await store.migrate();
    // A conversation the events may name, with the token its creating reply would have carried.
    const { token, hash } = newSessionToken();
    await store.createConversation({ id: 'sess-1', userId: null, tenant: 'default', channel: 'web', tokenHash: hash, now: NOW });
    const keys = createSqliteApiKeyStore({ path: path.join(dir, 'kefu.db') });
    const service = createProactiveService({ path: path.join(dir, 'proactive.db'), rules: RULES, now: () => NOW, timeZone: 'Asia/Shanghai' });
    const auth = createAuth({ adminKeyHash: hashKey(ADMIN), keys });
    const limiter = options.limit === undefined ? undefined : rateLimiter<AppEnv>({
      windowMs: 60_000,
      limit: options.limit,
      keyGenerator: () => 'one-client',
      handler: () => {
        throw new KefuError('rate_limited', `Too many requests: the limit is ${options.limit} per minute per client`, { status: 429 });
      },
    });
    const app = new Hono<AppEnv>();
    app.route('/', proactiveRoutes({ service, admin: auth.require('admin'), channel: auth.channel(), sessions: store, ...(limiter === undefined ? {} : { limiter }) }));
    app.onError(createErrorHandler(createLogger('silent'), createMetrics()));
    const server = await new Promise<ReturnType<typeof serve>>((resolve) => {
      const s = serve({ fetch: app.fetch, port: 0, hostname: '127.0.0.1' }, () => resolve(s));
    });
    const s: Site = {
      url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
      service,
      session: { id: 'sess-1', token },
      close: async () => {
        await new Promise<void>((resolve) => server.close(() => resolve()));
        service.close();
        await keys.close();
        await store.close();
      },
    };
    open.push(s);
    return s;
  }

  const post = (s: Site, body: unknown, headers: Record<string, string> = { 'content-type': 'application/json' }) =>
    fetch(`${s.url}/v1/events`, { method: 'POST', headers, body: typeof body === 'string' ? body : JSON.stringify(body) });

  it('answers open with the message in the visitor’s language, once a day', async () => {
    const s = await site();
    const pay = { visitor_id: 'v1', type: 'payment', page: 'https://shop.example.com/checkout/pay?order=KF1', dwell_ms: 61_000 };
    expect(await (await post(s, { ...pay, type: 'page_view', dwell_ms: 0 })).json()).toEqual({ open: false });
    const first = await post(s, { ...pay, lang: 'en', session_id: s.session.id, session_token: s.session.token });
    expect(first.status).toBe(200);
    expect(await first.json()).toEqual({ open: true, rule: 'payment_hesitation', message: 'Trouble paying?' });
    expect(await (await post(s, pay)).json()).toEqual({ open: false });
    expect(await (await post(s, { ...pay, visitor_id: 'v2' })).json()).toEqual({ open: true, rule: 'payment_hesitation', message: '支付遇到问题了吗?' });
  });

  it('refuses malformed events with 400 and a readable message', async () => {
    const s = await site();
    const ok = { visitor_id: 'v1', type: 'dwell', page: '/', dwell_ms: 1000 };
    const cases: [unknown, RegExp][] = [
      [{ ...ok, type: 'purchase' }, /^type: /],
      [{ ...ok, visitor_id: '' }, /visitor_id must not be empty/],
      [{ ...ok, visitor_id: 'x'.repeat(129) }, /^visitor_id: /],
      [{ type: 'dwell', page: '/' }, /^visitor_id: /],
      [{ ...ok, page: '  ' }, /page must not be empty/],
      [{ ...ok, dwell_ms: -1 }, /^dwell_ms: /],
      [{ ...ok, dwell_ms: 1.5 }, /^dwell_ms: /],
      [{ ...ok, dwell_ms: '1000' }, /^dwell_ms: /],
      [{ ...ok, lang: 'fr' }, /^lang: /],
      [{ ...ok, session_id: '' }, /^session_id: /],
    ];
    for (const [body, message] of cases) {
      const res = await post(s, body);
      expect(res.status, JSON.stringify(body)).toBe(400);
      const err = ((await res.json()) as { error: { code: string; message: string } }).error;
      expect(err.code).toBe('invalid_request');
      expect(err.message).toMatch(message);
    }
    const notJson = await post(s, '{"visitor_id":');
    expect(notJson.status).toBe(400);
    expect(((await notJson.json()) as { error: { code: string } }).error.code).toBe('invalid_json');
    const wrongType = await post(s, JSON.stringify(ok), { 'content-type': 'text/plain' });
    expect(wrongType.status).toBe(400);
    expect(((await wrongType.json()) as { error: { code: string } }).error.code).toBe('unsupported_media_type');
    // Nothing malformed was counted.
    expect((await s.service.stats(1)).events[0]).toMatchObject({ dwell: 0 });
  });

  it('is rate limited per client when given the chat limiter', async () => {
    const s = await site({ limit: 2 });
    const ev = { visitor_id: 'v1', type: 'dwell', page: '/' };
    expect((await post(s, ev)).status).toBe(200);
    expect((await post(s, ev)).status).toBe(200);
    const limited = await post(s, ev);
    expect(limited.status).toBe(429);
    expect(((await limited.json()) as { error: { code: string } }).error.code).toBe('rate_limited');
  });

  it('lists the rules with triggers per day for admins only', async () => {
    const s = await site();
    await post(s, { visitor_id: 'v1', type: 'payment', page: '/checkout', dwell_ms: 60_000 });
    await post(s, { visitor_id: 'v2', type: 'payment', page: '/checkout', dwell_ms: 60_000 });
    expect((await fetch(`${s.url}/v1/admin/proactive`)).status).toBe(401);
    expect((await fetch(`${s.url}/v1/admin/proactive`, { headers: { authorization: 'Bearer wrong-key' } })).status).toBe(403);
    const res = await fetch(`${s.url}/v1/admin/proactive?days=2`, { headers: { authorization: `Bearer ${ADMIN}` } });
    expect(res.status).toBe(200);
    const body = (await res.json()) as { time_zone: string; days: string[]; rules: { id: string; triggers: { today: number; total: number; by_day: { day: string; count: number }[] } }[]; events: Record<string, unknown>[] };
    expect(body.time_zone).toBe('Asia/Shanghai');
    expect(body.days).toEqual(['2026-11-23', '2026-11-24']);
    expect(body.rules).toEqual([expect.objectContaining({
      id: 'payment_hesitation',
      max_per_visitor_per_day: 1,
      when: { type: ['payment'], min_dwell_ms: 60_000, page: '/checkout*' },
      triggers: { today: 2, total: 2, by_day: [{ day: '2026-11-23', count: 0 }, { day: '2026-11-24', count: 2 }] },
    })]);
    expect(body.events[1]).toMatchObject({ day: '2026-11-24', payment: 2 });
    for (const days of ['0', '401', 'x', '1.5']) {
      const bad = await fetch(`${s.url}/v1/admin/proactive?days=${days}`, { headers: { authorization: `Bearer ${ADMIN}` } });
      expect(bad.status).toBe(400);
      expect(((await bad.json()) as { error: { code: string } }).error.code).toBe('invalid_days');
    }
  });
});
