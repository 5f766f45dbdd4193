import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { KefuClient, type KefuMessage } from '../../sdk/kefu-client.ts';
import { agentOn, httpJson } from '../support/loopback-http.ts';
import { startKefuWorkers, type KefuWorkers } from '../support/start-kefu-workers.ts';
import { ADMIN_KEY } from '../support/start-test-server.ts';

/**
 * `node bin/kefu.js serve --workers 2` as an operator runs it (embedded model, SQLite, no Redis):
 * which worker holds a connection is read from /proc, so each test knows it crossed workers.
 */
const run = promisify(execFile);
const ROOT = path.resolve(import.meta.dirname, '../..');
const admin = { authorization: `Bearer ${ADMIN_KEY}` };
let kefu: KefuWorkers;

beforeAll(async () => {
  kefu = await startKefuWorkers(2);
}, 120_000);
afterAll(async () => kefu?.destroy());

interface ChatReply {
  session_id: string;
  session_token: string;
  reply: string;
  replayed?: boolean;
  model?: string;
}
interface Transcript {
  messages: { id: string; role: string; content: string; meta: Record<string, unknown> }[];
}

describe('kefu serve --workers 2', () => {
  it('runs two workers under one primary, the embedded model loaded once, in the primary', async () => {
    const workers = kefu.workerPids();
    expect(workers).toHaveLength(2);
    const mapsModel = (pid: number) => /\.gguf$/m.test(readFileSync(`/proc/${pid}/maps`, 'utf8'));
    expect(mapsModel(kefu.primary.pid!)).toBe(true);
    for (const pid of workers) expect(mapsModel(pid)).toBe(false);
    // A draft for an agent is the model's (the workers have no model of their own): generated in
    // the primary for whichever worker took the request, tokens streamed back over IPC.
    const turn = await httpJson(`${kefu.url}/v1/chat`, { body: { message: '会员有哪些好处,值得开通吗?' } });
    expect(turn.status).toBe(200);
    for (let i = 0; i < 2; i++) {
      const drafted = await httpJson(`${kefu.url}/v1/sessions/${(turn.body as ChatReply).session_id}/suggest`, { body: {}, headers: admin });
      expect(drafted.status).toBe(200);
      expect((drafted.body as { suggestions: { source: string; text: string }[] }).suggestions).toContainEqual(expect.objectContaining({ source: 'model' }));
    }
  }, 60_000);

  it('keeps every turn of concurrent sessions exactly once, whichever worker takes each turn', async () => {
    const questions = ['你们的退货政策是什么?', '运费怎么算', '多久能发货'];
    const served = new Set<number>();
    const sessions = await Promise.all(Array.from({ length: 8 }, async (_, s) => {
      let session: ChatReply | null = null;
      for (const [t, message] of questions.entries()) {
        const body = { message, client_message_id: `s${s}-t${t}`, ...(session === null ? {} : { session_id: session.session_id, session_token: session.session_token }) };
        const r = await httpJson(`${kefu.url}/v1/chat`, { body, ownerOf: kefu.ownerOf });
        expect(r.status).toBe(200);
        served.add(r.owner ?? 0);
        session ??= r.body as ChatReply;
      }
      return session!;
    }));
    expect([...served].filter((pid) => pid !== 0)).toHaveLength(2);
    // A resend of a turn, reaching any worker, is answered from the transcript, not taken again.
    const again = await httpJson(`${kefu.url}/v1/chat`, { body: { message: questions[2], client_message_id: 's0-t2', session_id: sessions[0]!.session_id, session_token: sessions[0]!.session_token } });
    expect(again.body).toMatchObject({ replayed: true });
    for (const s of sessions) {
      const t = (await httpJson(`${kefu.url}/v1/sessions/${s.session_id}`, { headers: admin })).body as Transcript;
      expect(t.messages.filter((m) => m.role === 'user').map((m) => m.content)).toEqual(questions);
      expect(t.messages.filter((m) => m.role === 'assistant')).toHaveLength(3);
      expect(new Set(t.messages.map((m) => m.id)).size).toBe(t.messages.length);
    }
  }, 120_000);

  it('pushes an agent reply stored by one worker to the customer socket held by the other', async () => {
    const sockets: WebSocket[] = [];
    class Recorded extends WebSocket {
      constructor(...args: ConstructorParameters<typeof WebSocket>) {
        super(...args);
        sockets.push(this);
      }
    }
    const customer = new KefuClient({ url: `${kefu.url.replace(/^http/, 'ws')}/v1/ws`, WebSocket: Recorded, reconnect: false });
    const arrived = new Map<string, number>();
    customer.on('message', (m: KefuMessage) => arrived.set(m.id, Date.now()));
    try {
      const { sessionId } = await customer.connect();
      expect((await customer.ask('转人工')).handoff).toBe(true);
      const socketPid = kefu.ownerOf((sockets[0] as unknown as { _socket: { localPort: number } })._socket.localPort);
      expect(socketPid).not.toBeNull();
      const other = await agentOn(kefu.url, kefu.ownerOf, (pid) => pid !== socketPid);
      try {
        const handoffs = (await httpJson(`${kefu.url}/v1/handoffs`, { headers: admin, agent: other })).body as { handoffs: { id: string; session_id: string }[] };
        const mine = handoffs.handoffs.find((h) => h.session_id === sessionId)!;
        expect((await httpJson(`${kefu.url}/v1/handoffs/${mine.id}/claim`, { body: { agent: 'xiaowang' }, headers: admin, agent: other })).status).toBe(200);
        // The socket's store poll (every 500 ms) would also bring them; a relayed push comes at
        // once, so six replies each within 200 ms of their POST's answer cannot be the poll's luck.
        const lags: number[] = [];
        for (let i = 0; i < 6; i++) {
          const sent = await httpJson(`${kefu.url}/v1/sessions/${sessionId}/agent-messages`, { body: { text: `第${i}条`, agent: 'xiaowang' }, headers: admin, agent: other });
          expect(sent.status).toBe(201);
          const id = (sent.body as { message_id: string }).message_id;
          const answeredAt = Date.now();
          while (!arrived.has(id) && Date.now() - answeredAt < 3000) await new Promise((r) => setTimeout(r, 5));
          lags.push(Math.max(0, (arrived.get(id) ?? Infinity) - answeredAt));
        }
        expect(lags.every((lag) => lag < 200), `push lags ${lags.join(', ')} ms`).toBe(true);
      } finally {
        other.destroy();
      }
    } finally {
      customer.close();
    }
  }, 60_000);

  it('reports on /metrics the sum over both workers', async () => {
    const pids = new Set<number>();
    for (let i = 0; i < 20; i++) pids.add((await httpJson(`${kefu.url}/healthz`, { ownerOf: kefu.ownerOf })).owner ?? 0);
    expect([...pids].filter((p) => p !== 0)).toHaveLength(2);
    const text = (await httpJson(`${kefu.url}/metrics`)).body as string;
    expect(text).toMatch(/^kefu_http_requests_total\{method="GET",route="\/healthz",status="200"\} 20$/m);
  });

  it('keeps one audit chain that verifies after the concurrent turns', async () => {
    const { stdout } = await run(process.execPath, [path.join(ROOT, 'bin/kefu.js'), 'audit', 'verify'], { cwd: ROOT, env: { ...process.env, KEFU_DATA_DIR: kefu.dataDir }, timeout: 60_000 });
    expect(stdout).toMatch(/ok|verified/i);
    const entries = Number(/(\d+) entries/.exec(stdout)?.[1] ?? 0);
    expect(entries).toBeGreaterThanOrEqual(8 * 3);
  }, 60_000);

  it('replaces a worker killed with SIGKILL, logs it, and keeps serving', async () => {
    const [victim, survivor] = kefu.workerPids();
    process.kill(victim!, 'SIGKILL');
    const until = Date.now() + 60_000;
    while (!(kefu.workerPids().length === 2 && !kefu.workerPids().includes(victim!) && /worker died; starting a new one/.test(kefu.output()))) {
      if (Date.now() > until) throw new Error(`no replacement worker within 60 s:\n${kefu.output()}`);
      await new Promise((r) => setTimeout(r, 100));
    }
    const replacement = kefu.workerPids().find((p) => p !== survivor)!;
    const seen = new Set<number>();
    const readyBy = Date.now() + 60_000;
    while (!seen.has(replacement)) {
      if (Date.now() > readyBy) throw new Error(`the replacement worker ${replacement} never answered:\n${kefu.output()}`);
      const r = await httpJson(`${kefu.url}/v1/chat`, { body: { message: '运费怎么算' }, ownerOf: kefu.ownerOf });
      expect(r.status).toBe(200);
      seen.add(r.owner ?? 0);
    }
    expect(seen.has(survivor!)).toBe(true);
  }, 150_000);
});

describe('kefu serve --workers 2 rate limits', () => {
  let limited: KefuWorkers;
  beforeAll(async () => {
    limited = await startKefuWorkers(2, { KEFU_LLM: 'none', KEFU_RATE_LIMIT_PER_MINUTE: '20' });
  }, 120_000);
  afterAll(async () => limited?.destroy());

  it('counts a client once for the machine, not once per worker', async () => {
    const statuses: number[] = [];
    const pids = new Set<number>();
    for (let i = 0; i < 30; i++) {
      const r = await httpJson(`${limited.url}/v1/kb/search?q=${encodeURIComponent('退货')}`, { ownerOf: limited.ownerOf });
      statuses.push(r.status);
      pids.add(r.owner ?? 0);
    }
    expect([...pids].filter((p) => p !== 0)).toHaveLength(2);
    expect(statuses.filter((s) => s === 429)).toHaveLength(10);
  }, 60_000);

  it('stops both workers and the primary on SIGTERM', async () => {
    const workers = limited.workerPids();
    expect(await limited.stop()).toBe(0);
    for (const pid of workers) expect(() => process.kill(pid, 0)).toThrow();
  }, 30_000);
});
