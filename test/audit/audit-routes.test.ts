import { Hono } from 'hono';
import { describe, expect, it } from 'vitest';
import { verifyAuditEntries } from '../../src/audit/audit-chain.ts';
import { parseAuditLine } from '../../src/audit/audit-jsonl.ts';
import { auditRoutes } from '../../src/audit/audit-routes.ts';
import { asyncAuditLog } from '../../src/audit/sqlite-audit-log-store.ts';
import type { AuditLog } from '../../src/contracts/audit-log.ts';
import { createLogger } from '../../src/logging/create-logger.ts';
import { adminAuth, hashKey } from '../../src/server/admin-auth.ts';
import { toErrorResponse } from '../../src/server/error-handler.ts';
import { sampleInput, tamper, useAuditLogs } from './use-audit-log.ts';

const ADMIN_KEY = 'audit-admin-key-0123456789';
const auth = { authorization: `Bearer ${ADMIN_KEY}` };
const { open } = useAuditLogs();

/** The routes on a bare Hono app with the real admin check and the real error mapping. */
function setup(count: number) {
  const { log, path } = open({ headFile: count < 100 });
  const entries = Array.from({ length: count }, (_, i) => log.append(sampleInput(i)));
  const app = new Hono();
  const logger = createLogger('silent');
  app.onError((err, c) => {
    const { status, body } = toErrorResponse(err, logger);
    return c.json(body, status);
  });
  app.route('/', auditRoutes({ audit: asyncAuditLog(log), admin: adminAuth(hashKey(ADMIN_KEY)) }));
  return { app, log, path, entries };
}

const lines = (text: string) => text.split('\n').filter((l) => l.length > 0).map(parseAuditLine);

describe('audit routes', () => {
  it('require the admin key', async () => {
    const { app } = setup(1);
    for (const path of ['/v1/audit/verify', '/v1/audit/export']) {
      expect((await app.request(path)).status).toBe(401);
      expect((await app.request(path, { headers: { authorization: 'Bearer wrong-key' } })).status).toBe(403);
    }
  });

  it('report a sound log, and a broken one with 200 and ok:false', async () => {
    const { app, path, entries } = setup(5);
    const ok = await app.request('/v1/audit/verify', { headers: auth });
    expect(ok.status).toBe(200);
    expect(await ok.json()).toEqual({ ok: true, entries: 5, firstSeq: 1, lastSeq: 5, headHash: entries[4]!.hash, checkpoint: null });

    tamper(path, "UPDATE audit_entries SET content = 'edited' WHERE seq = 2");
    const broken = await app.request('/v1/audit/verify', { headers: auth });
    expect(broken.status).toBe(200);
    expect(await broken.json()).toMatchObject({ ok: false, entries: 5, problem: { seq: 2, kind: 'hash_mismatch' } });
  });

  it('export JSONL that round-trips and verifies, across pages and within bounds', async () => {
    const { app, entries } = setup(1100);
    const all = await app.request('/v1/audit/export', { headers: auth });
    expect(all.status).toBe(200);
    expect(all.headers.get('content-type')).toBe('application/x-ndjson');
    const text = await all.text();
    expect(text.endsWith('\n')).toBe(true);
    const exported = lines(text);
    expect(exported).toEqual(entries);
    expect(verifyAuditEntries(exported)).toMatchObject({ ok: true, entries: 1100 });

    const some = lines(await (await app.request('/v1/audit/export?from=998&to=1003', { headers: auth })).text());
    expect(some.map((e) => e.seq)).toEqual([998, 999, 1000, 1001, 1002, 1003]);
    expect(lines(await (await app.request('/v1/audit/export?from=5000', { headers: auth })).text())).toEqual([]);
  });

  it('reject bad bounds with 400', async () => {
    const { app } = setup(1);
    const cases: [string, string][] = [
      ['from=abc', 'invalid_from'],
      ['from=0', 'invalid_from'],
      ['to=-3', 'invalid_to'],
      ['from=', 'invalid_from'],
      ['to=1.5', 'invalid_to'],
      ['from=9&to=3', 'invalid_range'],
    ];
    for (const [query, code] of cases) {
      const res = await app.request(`/v1/audit/export?${query}`, { headers: auth });
      expect(res.status, query).toBe(400);
      expect(((await res.json()) as { error: { code: string } }).error.code, query).toBe(code);
    }
  });

  it('stop reading the log when the client goes away', async () => {
    let pulled = 0;
    const { log } = open({ headFile: false });
    for (let i = 0; i < 3000; i++) log.append(sampleInput(i));
    const counting: Pick<AuditLog, 'verify' | 'export' | 'verifyCheckpoint'> = {
      verify: async () => log.verify(),
      verifyCheckpoint: async (c) => log.verifyCheckpoint(c),
      async *export(options) {
        for (const e of log.export(options)) {
          pulled++;
          yield e;
        }
      },
    };
    const app = new Hono();
    app.route('/', auditRoutes({ audit: counting, admin: async (_c, next) => next() }));
    const res = await app.request('/v1/audit/export');
    const reader = res.body!.getReader();
    await reader.read();
    await reader.cancel();
    expect(pulled).toBeGreaterThan(0);
    expect(pulled).toBeLessThan(3000);
  });
});
