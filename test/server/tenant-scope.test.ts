import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ADMIN_KEY, postJson, startTestServer, type TestServer } from '../support/start-test-server.ts';

/**
 * Issue 13 item 8, over HTTP: an admin key made for one tenant administers that tenant only, queue
 * positions count the caller's own tenant's queue, and a claimed handoff is released or resolved
 * only by the agent holding it, or by an admin (the tenant's supervisor).
 */
let server: TestServer;
const root = { authorization: `Bearer ${ADMIN_KEY}` };
const bearer = (key: string) => ({ authorization: `Bearer ${key}` });
const get = (path: string, headers: Record<string, string>) => fetch(`${server.url}${path}`, { headers });
const del = (path: string, headers: Record<string, string>) => fetch(`${server.url}${path}`, { method: 'DELETE', headers });

interface KeyView { id: string; key: string; tenant: string; role: string }
interface HandoffView { id: string; session_id: string; position?: number; agent: string | null; status: string }

async function createKey(by: Record<string, string>, body: Record<string, string>): Promise<KeyView> {
  const res = await postJson(`${server.url}/v1/keys`, body, by);
  expect(res.status, await res.clone().text()).toBe(201);
  return (await res.json()) as KeyView;
}

/** A customer of `channelKey`'s tenant (the public web without one) asks for a person. */
async function queueHandoff(channelKey?: string): Promise<string> {
  const res = await postJson(`${server.url}/v1/chat`, { message: '转人工' }, channelKey === undefined ? {} : bearer(channelKey));
  const body = (await res.json()) as { session_id: string; handoff: boolean };
  expect(body.handoff).toBe(true);
  return body.session_id;
}

async function handoffOf(sessionId: string, by: Record<string, string>): Promise<HandoffView> {
  const list = (await (await get('/v1/handoffs?status=queued&limit=500', by)).json()) as { handoffs: HandoffView[] };
  const h = list.handoffs.find((x) => x.session_id === sessionId);
  if (h === undefined) throw new Error(`no queued handoff for ${sessionId}`);
  return h;
}

beforeAll(async () => {
  server = await startTestServer();
});
afterAll(async () => server?.destroy());

describe('tenant-scoped admin keys', () => {
  it('an admin key made for one tenant sees and manages only that tenant', async () => {
    const acmeAdmin = await createKey(root, { name: 'acme boss', role: 'admin', tenant: 'acme' });
    const globalAdmin = await createKey(root, { name: 'ops', role: 'admin' });
    expect(acmeAdmin.tenant).toBe('acme');
    expect(globalAdmin.tenant).toBe('*');
    const acmeApp = await createKey(root, { name: 'acme app', role: 'channel', tenant: 'acme' });
    const globexAgent = await createKey(root, { name: 'li', role: 'agent', tenant: 'globex' });

    const acmeSession = await queueHandoff(acmeApp.key);
    const webSession = await queueHandoff();
    const acme = bearer(acmeAdmin.key);

    // Handoffs and sessions: its own tenant's, another tenant's are "not found".
    const listed = ((await (await get('/v1/handoffs?limit=500', acme)).json()) as { handoffs: HandoffView[] }).handoffs.map((h) => h.session_id);
    expect(listed).toEqual([acmeSession]);
    expect((await get(`/v1/sessions/${acmeSession}`, acme)).status).toBe(200);
    expect((await get(`/v1/sessions/${webSession}`, acme)).status).toBe(404);
    const webHandoff = await handoffOf(webSession, root);
    expect((await get(`/v1/handoffs/${webHandoff.id}`, acme)).status).toBe(404);
    expect((await postJson(`${server.url}/v1/handoffs/${webHandoff.id}/claim`, { agent: 'x' }, acme)).status).toBe(404);
    // Nor can it erase another tenant's conversation.
    expect((await del(`/v1/sessions/${webSession}`, acme)).status).toBe(404);
    expect((await get(`/v1/sessions/${webSession}`, root)).status).toBe(200);

    // Keys: lists, makes and revokes its own tenant's only; cannot mint a wider key.
    const keys = ((await (await get('/v1/keys', acme)).json()) as { keys: KeyView[] }).keys;
    expect(new Set(keys.map((k) => k.tenant))).toEqual(new Set(['acme']));
    const made = await createKey(acme, { name: 'acme agent', role: 'agent' });
    expect(made.tenant).toBe('acme');
    const madeAdmin = await createKey(acme, { name: 'acme deputy', role: 'admin' });
    expect(madeAdmin.tenant).toBe('acme');
    for (const body of [{ name: 'x', role: 'agent', tenant: 'globex' }, { name: 'y', role: 'admin', tenant: '*' }]) {
      const res = await postJson(`${server.url}/v1/keys`, body, acme);
      expect(res.status).toBe(403);
      expect(((await res.json()) as { error: { code: string } }).error.code).toBe('tenant_forbidden');
    }
    expect((await del(`/v1/keys/${globexAgent.id}`, acme)).status).toBe(404);
    expect((await get('/v1/handoffs', bearer(globexAgent.key))).status).toBe(200);

    // What has no tenant in the data model (KB, tickets, KPIs, audit, outcome stats) needs an
    // admin of every tenant.
    for (const path of ['/v1/tickets', '/v1/admin/kpis', '/v1/audit/verify', '/v1/stats/outcomes', '/v1/admin/kb/documents', '/v1/redteam/report']) {
      const res = await get(path, acme);
      expect(res.status, path).toBe(403);
      expect(((await res.json()) as { error: { code: string } }).error.code, path).toBe('tenant_admin_scope');
    }
    expect((await postJson(`${server.url}/v1/kb/documents`, { title: 't', content: 'c' }, acme)).status).toBe(403);

    // A key made without a tenant is an admin of every tenant, as before.
    const ops = bearer(globalAdmin.key);
    const all = ((await (await get('/v1/handoffs?limit=500', ops)).json()) as { handoffs: HandoffView[] }).handoffs.map((h) => h.session_id);
    expect(all).toEqual(expect.arrayContaining([acmeSession, webSession]));
    expect((await get('/v1/tickets', ops)).status).toBe(200);
    expect((await get(`/v1/sessions/${webSession}`, ops)).status).toBe(200);
  });
});

describe('per-tenant queue positions', () => {
  it('a customer is told the place in their own tenant\'s queue', async () => {
    const initech = await createKey(root, { name: 'initech app', role: 'channel', tenant: 'initech' });
    const hooli = await createKey(root, { name: 'hooli app', role: 'channel', tenant: 'hooli' });
    // Three initech customers queue first; then hooli's first customer.
    for (let i = 0; i < 3; i++) await queueHandoff(initech.key);
    const hooliSession = await queueHandoff(hooli.key);
    const hooliAdmin = await createKey(root, { name: 'hooli boss', role: 'admin', tenant: 'hooli' });
    expect((await handoffOf(hooliSession, bearer(hooliAdmin.key))).position).toBe(1);
    // The customer's own view says the same.
    const poll = (await (await get(`/v1/chat/sessions/${hooliSession}/messages`, bearer(hooli.key))).json()) as { handoff: { position: number } };
    expect(poll.handoff.position).toBe(1);
  });
});

describe('claims', () => {
  it('only the holder, or an admin of the tenant, releases or resolves a claimed handoff', async () => {
    const app = await createKey(root, { name: 'umbrella app', role: 'channel', tenant: 'umbrella' });
    const wang = await createKey(root, { name: 'wang', role: 'agent', tenant: 'umbrella' });
    const zhao = await createKey(root, { name: 'zhao', role: 'agent', tenant: 'umbrella' });
    const supervisor = await createKey(root, { name: 'umbrella lead', role: 'admin', tenant: 'umbrella' });

    const first = await handoffOf(await queueHandoff(app.key), bearer(wang.key));
    expect((await postJson(`${server.url}/v1/handoffs/${first.id}/claim`, {}, bearer(wang.key))).status).toBe(200);
    for (const action of ['release', 'resolve']) {
      const res = await postJson(`${server.url}/v1/handoffs/${first.id}/${action}`, {}, bearer(zhao.key));
      expect(res.status, action).toBe(403);
      expect(((await res.json()) as { error: { code: string } }).error.code).toBe('claim_held_by_other');
    }
    expect(((await (await get(`/v1/handoffs/${first.id}`, bearer(wang.key))).json()) as HandoffView).status).toBe('assigned');
    // The holder resolves it.
    const resolved = await postJson(`${server.url}/v1/handoffs/${first.id}/resolve`, {}, bearer(wang.key));
    expect(resolved.status).toBe(200);
    expect(((await resolved.json()) as HandoffView).status).toBe('resolved');

    // The tenant's supervisor (its admin key) takes one back from an agent who left it.
    const second = await handoffOf(await queueHandoff(app.key), bearer(wang.key));
    expect((await postJson(`${server.url}/v1/handoffs/${second.id}/claim`, {}, bearer(wang.key))).status).toBe(200);
    const released = await postJson(`${server.url}/v1/handoffs/${second.id}/release`, {}, bearer(supervisor.key));
    expect(released.status).toBe(200);
    expect(((await released.json()) as HandoffView).status).toBe('returned');
  });
});
