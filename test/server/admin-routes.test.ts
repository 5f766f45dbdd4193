import { randomUUID } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Hono } from 'hono';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hashKey } from '../../src/server/admin-auth.ts';
import type { AppEnv } from '../../src/server/app-env.ts';
import { createAuth } from '../../src/server/auth.ts';
import { createErrorHandler } from '../../src/server/error-handler.ts';
import { adminRoutes, type AdminRoutesDeps, type ReindexJob, type SuggestInput } from '../../src/server/routes/admin-routes.ts';
import { consoleRoutes } from '../../src/server/routes/console-routes.ts';
import type { KpiReport, UnansweredQuestion } from '../../src/contracts/kpi-queries.ts';
import { ADMIN_KEY, postJson, startTestServer, type TestServer } from '../support/start-test-server.ts';

/**
 * The admin and agent endpoints behind the dashboard and the console, through `app.request` on
 * the routes mounted over a real Kefu server's stores (SQLite files, the demo KB). Conversations
 * are made through the real HTTP chat API.
 */
let server: TestServer;
let kbDir: string;
let agentKey: string;
let otherAgentKey: string;
const suggested: SuggestInput[] = [];

const admin = { authorization: `Bearer ${ADMIN_KEY}` };
const bearer = (key: string) => ({ authorization: `Bearer ${key}` });

function mount(overrides: Partial<AdminRoutesDeps> = {}): Hono<AppEnv> {
  const auth = createAuth({ adminKeyHash: hashKey(ADMIN_KEY), keys: server.kefu.keys });
  const app = new Hono<AppEnv>();
  app.route('/', consoleRoutes());
  app.route('/', adminRoutes({
    store: server.kefu.store,
    kb: server.kefu.kb,
    dataDir: server.dataDir,
    kbPaths: [kbDir],
    outcomes: server.kefu.outcomes,
    kpis: server.kefu.kpis,
    admin: auth.require('admin'),
    agent: auth.require('agent'),
    ...overrides,
  }));
  app.onError(createErrorHandler(server.kefu.logger, server.kefu.metrics));
  return app;
}
let app: Hono<AppEnv>;

const get = (p: string, headers: Record<string, string> = admin) => app.request(p, { headers });
const post = (p: string, body: unknown, headers: Record<string, string> = admin) =>
  app.request(p, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify(body) });

async function chat(message: string, sessionId?: string): Promise<{ session_id: string; handoff: boolean }> {
  const res = await postJson(`${server.url}/v1/chat`, { message, ...(sessionId === undefined ? {} : { session_id: sessionId }) });
  expect(res.status).toBe(200);
  return (await res.json()) as { session_id: string; handoff: boolean };
}

/** Polls the re-index job until it stops running (yielding to the event loop between polls). */
async function settled(on: Hono<AppEnv>): Promise<ReindexJob> {
  for (;;) {
    const job = (await (await on.request('/v1/admin/kb/reindex', { headers: admin })).json()) as ReindexJob;
    if (job.status !== 'running') return job;
    await new Promise((r) => setTimeout(r, 10));
  }
}

async function createKey(name: string, role: string, tenant?: string): Promise<string> {
  const res = await postJson(`${server.url}/v1/keys`, { name, role, ...(tenant === undefined ? {} : { tenant }) }, admin);
  expect(res.status).toBe(201);
  return ((await res.json()) as { key: string }).key;
}

beforeAll(async () => {
  server = await startTestServer({ KEFU_BUSINESS_HOURS: 'always' });
  kbDir = mkdtempSync(path.join(tmpdir(), 'kefu-reindex-'));
  // 45 documents: the re-index runs in batches, so progress moves.
  writeFileSync(path.join(kbDir, 'bulk.jsonl'), Array.from({ length: 45 }, (_, i) => JSON.stringify({ id: `bulk-${i}`, title: `批量条目 ${i}`, text: `这是第 ${i} 条批量导入的测试内容,关于保温杯的清洗方法。` })).join('\n'));
  app = mount();
  agentKey = await createKey('xiaowang', 'agent');
  otherAgentKey = await createKey('li', 'agent', 'globex');
}, 60_000);
afterAll(async () => {
  await server?.destroy();
  if (kbDir !== undefined) rmSync(kbDir, { recursive: true, force: true });
});

describe('admin routes: access', () => {
  it('needs a key (401), an admin key for admin routes (403), and validates the period (400)', async () => {
    for (const p of ['/v1/admin/kpis', '/v1/admin/unanswered', '/v1/admin/kb/documents', '/v1/admin/kb/reindex', '/v1/redteam/report']) {
      expect((await get(p, {})).status, p).toBe(401);
      expect((await get(p, bearer(agentKey))).status, p).toBe(403);
      expect((await get(p, bearer('not-a-key-at-all'))).status, p).toBe(403);
    }
    expect((await post('/v1/admin/kb/upload', { filename: 'a.md', content: '# a\nb' }, bearer(agentKey))).status).toBe(403);
    expect((await post('/v1/admin/kb/reindex', {}, {})).status).toBe(401);
    expect((await post(`/v1/sessions/${randomUUID()}/suggest`, {}, {})).status).toBe(401);

    const bad = async (query: string, code: string) => {
      const res = await get(`/v1/admin/kpis?${query}`);
      expect(res.status, query).toBe(400);
      expect(((await res.json()) as { error: { code: string } }).error.code).toBe(code);
    };
    await bad('from=yesterday', 'invalid_from');
    await bad('to=2026-13-45', 'invalid_to');
    await bad('from=2026-11-24T00:00:00Z&to=2026-11-23T00:00:00Z', 'invalid_period');
    await bad('from=2020-01-01T00:00:00Z&to=2026-01-01T00:00:00Z', 'invalid_period');
    expect((await get('/v1/admin/unanswered?limit=0')).status).toBe(400);
    expect((await get('/v1/admin/unanswered?limit=abc')).status).toBe(400);
    expect((await get('/v1/admin/kb/documents?limit=9999')).status).toBe(400);
  });

  it('serves the console and dashboard files with their content types, uncached', async () => {
    const expected: Record<string, string> = {
      '/console': 'text/html', '/console.js': 'text/javascript', '/console.css': 'text/css',
      '/admin': 'text/html', '/admin.js': 'text/javascript', '/admin.css': 'text/css',
    };
    for (const [route, type] of Object.entries(expected)) {
      const res = await app.request(route);
      expect(res.status, route).toBe(200);
      expect(res.headers.get('content-type'), route).toContain(type);
      expect(res.headers.get('cache-control'), route).toBe('no-cache');
      expect((await res.text()).length, route).toBeGreaterThan(100);
    }
  });
});

describe('KPIs and unanswered questions', () => {
  it('counts conversations, outcomes, CSAT, intents, latency and cache hits in the period', async () => {
    const from = new Date(Date.now() - 60_000).toISOString();
    const empty = (await (await get(`/v1/admin/kpis?from=${from}`)).json()) as KpiReport;
    expect(empty).toMatchObject({ conversations: 0, resolution_rate: null, latency: null, cache_hit_rate: null, top_intents: [] });

    const returns = await chat('退货运费谁出');
    await chat('谢谢', returns.session_id);
    const human = await chat('转人工');
    expect(human.handoff).toBe(true);
    const miss = await chat('你们卖火箭发动机吗?');
    const openOne = await chat('发票怎么开');

    let k = (await (await get(`/v1/admin/kpis?from=${from}`)).json()) as KpiReport & { all_time: { conversations: number } };
    expect(k).toMatchObject({ conversations: 4, open: 4, closed: 0, resolution_rate: null, transfer_rate: null });
    expect(k.messages.user).toBe(5);
    expect(k.top_intents.map((i) => i.intent)).toEqual(expect.arrayContaining(['return', 'human_agent', 'invoice']));
    expect(k.all_time.conversations).toBeGreaterThanOrEqual(4);

    // Close all but one, then rate one of them.
    await server.kefu.outcomes.closeIdle(0);
    await chat('发票抬头可以改吗', openOne.session_id);
    expect((await postJson(`${server.url}/v1/sessions/${returns.session_id}/rating`, { score: 5 })).status).toBe(201);
    expect((await postJson(`${server.url}/v1/sessions/${miss.session_id}/rating`, { score: 2 })).status).toBe(201);

    k = (await (await get(`/v1/admin/kpis?from=${from}`)).json()) as KpiReport & { all_time: { conversations: number } };
    expect(k.conversations).toBe(4);
    expect(k.open).toBe(1);
    expect(k.closed).toBe(3);
    expect(k.outcomes).toEqual({ resolved: 1, transferred: 1, abandoned: 1 });
    expect(k.resolution_rate).toBeCloseTo(1 / 3, 3);
    expect(k.transfer_rate).toBeCloseTo(1 / 3, 3);
    expect(k.csat).toEqual({ count: 2, average: 3.5 });
    expect(k.avg_duration_seconds).toBeGreaterThanOrEqual(0);
    expect(k.period.bucket).toBe('hour');
    expect(k.series.reduce((n, p) => n + p.conversations, 0)).toBe(4);
    expect(k.series.reduce((n, p) => n + p.resolved + p.transferred + p.abandoned, 0)).toBe(3);
    // The pipeline records each reply's latency and whether the cache answered it.
    const before = k.latency!.samples;
    expect(before).toBeGreaterThan(0);
    expect(k.cache_hit_rate).toBe(0);

    // Once replies carry them (latencyMs, cached), they are counted.
    const sid = randomUUID();
    const at = Date.now() - 1000;
    await server.kefu.store.createConversation({ id: sid, userId: null, channel: 'web', now: at });
    for (const [i, ms] of [100, 200, 300, 400, 5000].entries()) {
      await server.kefu.store.appendMessage({ id: randomUUID(), conversationId: sid, role: 'assistant', content: 'x', createdAt: at + i, meta: { latencyMs: ms, cached: i < 2 } });
    }
    k = (await (await get(`/v1/admin/kpis?from=${from}`)).json()) as KpiReport & { all_time: { conversations: number } };
    expect(k.latency!.samples).toBe(before + 5);
    expect(k.latency!.p95_ms).toBe(5000);
    expect(k.cache_hit_rate).toBeGreaterThan(0);

    // A 30-day window is bucketed by day; the period is echoed back.
    const month = (await (await get(`/v1/admin/kpis?from=${Date.now() - 30 * 86_400_000}&to=${Date.now() + 1000}`)).json()) as KpiReport;
    expect(month.period.bucket).toBe('day');
    expect(month.series).toHaveLength(31);
  });

  it('groups unanswered questions by their normalised text, most frequent first', async () => {
    const from = new Date().toISOString();
    await chat('你们卖火箭发动机吗?');
    await chat('你们卖火箭发动机吗');
    await chat('  你们卖 火箭发动机吗！ ');
    await chat('Can I pay with seashells?');
    await chat('退货运费谁出');
    const res = await get(`/v1/admin/unanswered?from=${from}`);
    expect(res.status).toBe(200);
    const { questions } = (await res.json()) as { questions: UnansweredQuestion[] };
    expect(questions.map((q) => [q.count, q.sessions])).toEqual([[3, 3], [1, 1]]);
    expect(questions[0]!.question).toBe('你们卖 火箭发动机吗！');
    expect(questions[1]!.question).toBe('Can I pay with seashells?');
    const limited = (await (await get(`/v1/admin/unanswered?from=${from}&limit=1`)).json()) as { questions: UnansweredQuestion[] };
    expect(limited.questions).toHaveLength(1);
  });
});

describe('knowledge base administration', () => {
  it('uploads a file through the importers, lists and reads documents', async () => {
    const md = '# 保温杯怎么清洗\n用温水和小苏打浸泡十分钟,再用软毛刷清洗,不要用钢丝球。\n';
    const res = await post('/v1/admin/kb/upload', { filename: 'C:\\Users\\me\\care.md', content: md });
    expect(res.status).toBe(201);
    const up = (await res.json()) as { filename: string; found: number; documents: number; unchanged: number; ids: string[] };
    expect(up).toMatchObject({ filename: 'care.md', found: 1, documents: 1, unchanged: 0 });

    const search = (await (await fetch(`${server.url}/v1/kb/search?q=${encodeURIComponent('保温杯怎么清洗')}`)).json()) as { results: { docId: string }[] };
    expect(search.results[0]?.docId).toBe(up.ids[0]);
    // The same file again changes nothing.
    expect(((await (await post('/v1/admin/kb/upload', { filename: 'care.md', content: md })).json()) as { unchanged: number }).unchanged).toBe(1);

    const list = (await (await get(`/v1/admin/kb/documents?q=${encodeURIComponent('保温杯')}`)).json()) as { documents: { id: string; source: string; chars: number }[]; total: number };
    expect(list.total).toBe(1);
    expect(list.documents[0]).toMatchObject({ id: up.ids[0], source: 'care.md' });
    const doc = (await (await get(`/v1/admin/kb/documents/${encodeURIComponent(up.ids[0]!)}`)).json()) as { text: string; title: string };
    expect(doc).toMatchObject({ title: '保温杯怎么清洗' });
    expect(doc.text).toMatch(/小苏打/);
    expect((await get('/v1/admin/kb/documents/no-such-doc')).status).toBe(404);
    const all = (await (await get('/v1/admin/kb/documents?limit=5&offset=0')).json()) as { documents: unknown[]; total: number };
    expect(all.documents).toHaveLength(5);
    expect(all.total).toBeGreaterThan(50);
  });

  it('refuses files it cannot import, naming the file the admin sent', async () => {
    const refuse = async (body: unknown, code: string) => {
      const res = await post('/v1/admin/kb/upload', body);
      expect(res.status, JSON.stringify(body)).toBe(400);
      const err = ((await res.json()) as { error: { code: string; message: string } }).error;
      expect(err.code).toBe(code);
      return err.message;
    };
    await refuse({ filename: 'notes.txt', content: 'hello' }, 'unsupported_file_type');
    await refuse({ filename: '.hidden.md', content: '# a\nb' }, 'invalid_filename');
    await refuse({ filename: 'faq.md' }, 'invalid_request');
    const message = await refuse({ filename: 'broken.jsonl', content: '{"id":"a","title":"t","text":"x"}\n{not json' }, 'kb_invalid_file');
    expect(message).toMatch(/^broken\.jsonl/);
    expect(message).not.toContain(tmpdir());
    const notJson = await app.request('/v1/admin/kb/upload', { method: 'POST', headers: { ...admin, 'content-type': 'text/plain' }, body: 'x' });
    expect(notJson.status).toBe(400);
  });

  it('re-indexes KEFU_KB in batches and reports progress until done', async () => {
    const start = await post('/v1/admin/kb/reindex', {});
    expect(start.status).toBe(202);
    expect(((await start.json()) as ReindexJob).status).toBe('running');
    expect((await post('/v1/admin/kb/reindex', {})).status).toBe(409);
    const seen: ReindexJob[] = [];
    for (;;) {
      const job = (await (await get('/v1/admin/kb/reindex')).json()) as ReindexJob;
      seen.push(job);
      if (job.status !== 'running') break;
      await new Promise((r) => setTimeout(r, 5));
    }
    const last = seen.at(-1)!;
    expect(last).toMatchObject({ status: 'done', done: 45, total: 45, result: { files: 1, found: 45, documents: 45, unchanged: 0 } });
    expect(seen.every((j, i) => i === 0 || j.done >= seen[i - 1]!.done)).toBe(true);

    // Again: nothing changed on disk, nothing is rewritten.
    expect((await post('/v1/admin/kb/reindex', {})).status).toBe(202);
    const job = await settled(app);
    expect(job.result).toMatchObject({ found: 45, documents: 0, unchanged: 45 });

    const none = mount({ kbPaths: [] });
    const res = await none.request('/v1/admin/kb/reindex', { method: 'POST', headers: admin });
    expect(res.status).toBe(409);
    expect(((await res.json()) as { error: { code: string } }).error.code).toBe('no_kb_paths');
  });

  it('reports a re-index that fails without leaving a job running', async () => {
    const broken = mount({ kbPaths: [path.join(kbDir, 'missing-folder')] });
    expect((await broken.request('/v1/admin/kb/reindex', { method: 'POST', headers: admin })).status).toBe(202);
    const job = await settled(broken);
    expect(job).toMatchObject({ status: 'failed', error: { code: 'kb_invalid_file' } });
  });
});

describe('red-team report', () => {
  it('is 404 until kefu redteam --write has written it, then served as JSON', async () => {
    const file = path.join(server.dataDir, 'redteam-report.json');
    const missing = await get('/v1/redteam/report');
    expect(missing.status).toBe(404);
    expect(((await missing.json()) as { error: { code: string } }).error.code).toBe('redteam_report_not_found');

    mkdirSync(server.dataDir, { recursive: true });
    writeFileSync(file, JSON.stringify({ mode: 'in-process', overall: { n: 10, k: 0, rate: 0, low: 0, high: 0.28 } }));
    const ok = await get('/v1/redteam/report');
    expect(ok.status).toBe(200);
    expect(await ok.json()).toMatchObject({ mode: 'in-process', overall: { n: 10 } });

    writeFileSync(file, '{"truncated":');
    const bad = await get('/v1/redteam/report');
    expect(bad.status).toBe(500);
    expect(((await bad.json()) as { error: { code: string } }).error.code).toBe('redteam_report_invalid');
    rmSync(file);
  });
});

describe('suggested replies', () => {
  it('offers the KB answer for the last customer message, to agents of the tenant only', async () => {
    const { session_id: sid } = await chat('转人工');
    await chat('退货运费谁出', sid);

    const res = await post(`/v1/sessions/${sid}/suggest`, {}, bearer(agentKey));
    expect(res.status).toBe(200);
    const body = (await res.json()) as { message: string; suggestions: { text: string; source: string; citations: { title: string }[] }[] };
    expect(body.message).toBe('退货运费谁出');
    expect(body.suggestions).toHaveLength(1);
    expect(body.suggestions[0]).toMatchObject({ source: 'kb' });
    expect(body.suggestions[0]!.text).toMatch(/运费/);
    expect(body.suggestions[0]!.text).not.toMatch(/\[\d\]/);
    expect(body.suggestions[0]!.citations[0]!.title).toMatch(/退货运费/);

    // Another tenant's agent: "not found", like every other session route.
    expect((await post(`/v1/sessions/${sid}/suggest`, {}, bearer(otherAgentKey))).status).toBe(404);
    expect((await post(`/v1/sessions/${randomUUID()}/suggest`, {}, bearer(agentKey))).status).toBe(404);
  });

  it('puts the model draft first when a suggest function is wired, and survives it failing', async () => {
    const { session_id: sid } = await chat('How long does shipping take?');
    const withModel = mount({
      suggest: async (input) => {
        suggested.push(input);
        return `Draft for: ${input.message}`;
      },
    });
    const body = (await (await withModel.request(`/v1/sessions/${sid}/suggest`, { method: 'POST', headers: bearer(agentKey) })).json()) as { suggestions: { text: string; source: string }[] };
    expect(body.suggestions.map((s) => s.source)).toEqual(['model', 'kb']);
    expect(body.suggestions[0]!.text).toBe('Draft for: How long does shipping take?');
    expect(suggested[0]).toMatchObject({ sessionId: sid, lang: 'en', history: [] });
    expect(suggested[0]!.passages.length).toBeGreaterThan(0);

    const failing = mount({ suggest: async () => { throw new Error('model down'); } });
    const after = (await (await failing.request(`/v1/sessions/${sid}/suggest`, { method: 'POST', headers: bearer(agentKey) })).json()) as { suggestions: { source: string }[] };
    expect(after.suggestions.map((s) => s.source)).toEqual(['kb']);
  });
});
