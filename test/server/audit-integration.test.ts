import { execFile } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { ADMIN_KEY, DEMO_NOW, postJson, startTestServer, type TestServer } from '../support/start-test-server.ts';

/** Every reply, flow action and agent message lands in the hash chain, masked; tampering shows. */
const BIN = fileURLToPath(new URL('../../bin/kefu.js', import.meta.url));
const auth = { authorization: `Bearer ${ADMIN_KEY}` };
let server: TestServer;

beforeAll(async () => {
  server = await startTestServer({}, undefined, { now: () => DEMO_NOW });
});
afterAll(async () => server?.destroy());

it('audits replies, actions and agent messages, masked, and detects an edit', async () => {
  const a = (await (await postJson(`${server.url}/v1/chat`, { message: '我的手机号13812345678,帮我取消订单 KF20261124004', user_id: 'demo-user' })).json()) as { session_id: string };
  await postJson(`${server.url}/v1/chat`, { message: '确认', session_id: a.session_id, user_id: 'demo-user' });
  await postJson(`${server.url}/v1/chat`, { message: '你们的退货政策是什么?' });
  const h = (await (await postJson(`${server.url}/v1/chat`, { message: '转人工' })).json()) as { session_id: string };
  const [handoff] = ((await (await fetch(`${server.url}/v1/handoffs`, { headers: auth })).json()) as { handoffs: { id: string }[] }).handoffs;
  await postJson(`${server.url}/v1/handoffs/${handoff!.id}/claim`, { agent: 'wang' }, auth);
  await postJson(`${server.url}/v1/sessions/${h.session_id}/agent-messages`, { text: '您好,请留个电话 13912345678' }, auth);

  const verify = (await (await fetch(`${server.url}/v1/audit/verify`, { headers: auth })).json()) as { ok: boolean; entries: number };
  expect(verify).toMatchObject({ ok: true, entries: 5 });
  const lines = (await (await fetch(`${server.url}/v1/audit/export`, { headers: auth })).text()).trim().split('\n').map((l) => JSON.parse(l) as { kind: string; content: string; model: string; meta: { flow?: { name: string } } });
  expect(lines.map((l) => l.kind)).toEqual(['reply', 'action', 'reply', 'handoff', 'agent_message']);
  expect(lines[1]!.meta.flow?.name).toBe('cancel_order');
  expect(JSON.stringify(lines)).not.toContain('13912345678');

  // Someone edits a stored reply: the chain breaks and the CLI says where.
  const db = new Database(path.join(server.dataDir, 'audit.db'));
  db.prepare("UPDATE audit_entries SET content = 'edited' WHERE seq = 3").run();
  db.close();
  const after = (await (await fetch(`${server.url}/v1/audit/verify`, { headers: auth })).json()) as { ok: boolean; problem: { seq: number; kind: string } };
  expect(after).toMatchObject({ ok: false, problem: { seq: 3, kind: 'hash_mismatch' } });
  const cli = await new Promise<{ code: number; stderr: string }>((resolve) => {
    execFile(process.execPath, [BIN, 'audit', 'verify', '--db', path.join(server.dataDir, 'audit.db')], { env: { ...process.env, KEFU_LOG_LEVEL: 'silent' } }, (err, _out, stderr) => resolve({ code: err === null ? 0 : Number(err.code ?? 1), stderr }));
  });
  expect(cli.code).toBe(1);
  expect(cli.stderr).toMatch(/audit log broken at seq 3/);
});
