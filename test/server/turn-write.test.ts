import Database from 'better-sqlite3';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { LanguageModel, LanguageModelStreamPart } from '../../src/contracts/language-model.ts';
import { ADMIN_KEY, postJson, startTestServer, type TestServer } from '../support/start-test-server.ts';

/**
 * A turn's customer message and reply are written together at its end; a turn the client drops
 * half-way still keeps the customer's message in the transcript, as when it was written first.
 */
let hang = false;
const model: LanguageModel = {
  id: 'turn-write',
  ready: async () => {},
  close: async () => {},
  async *doStream(options): AsyncIterable<LanguageModelStreamPart> {
    yield { type: 'text-delta', text: '自签收次日起7天内，' };
    if (hang) await new Promise<void>((resolve) => options.signal?.addEventListener('abort', () => resolve(), { once: true }));
    yield { type: 'text-delta', text: '商品完好的可以申请退货 [1]。' };
    yield { type: 'finish', finishReason: 'stop', usage: { outputTokens: 20 } };
  },
};

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer({ KEFU_CACHE: 'off' }, undefined, { model });
});
afterAll(async () => server?.destroy());

const transcript = async (id: string) =>
  ((await (await fetch(`${server.url}/v1/sessions/${id}`, { headers: { authorization: `Bearer ${ADMIN_KEY}` } })).json()) as { messages: { role: string; content: string }[] }).messages;

it('stores the customer message before the reply, with the time it arrived', async () => {
  // That they are one transaction (all or none) is the store contract's appendMessages test.
  const first = (await (await postJson(`${server.url}/v1/chat`, { message: '你们的退货政策是什么?' })).json()) as { session_id: string };
  expect((await transcript(first.session_id)).map((m) => m.role)).toEqual(['user', 'assistant']);
  const db = new Database(join(server.dataDir, 'kefu.db'), { readonly: true });
  try {
    const rows = db.prepare('SELECT role, created_at FROM messages WHERE conversation_id = ? ORDER BY seq').all(first.session_id) as { role: string; created_at: number }[];
    expect(rows.map((r) => r.role)).toEqual(['user', 'assistant']);
    // The customer's message keeps the time it arrived, not the time it was written.
    expect(rows[0]!.created_at).toBeLessThanOrEqual(rows[1]!.created_at);
  } finally {
    db.close();
  }
});

it('keeps the customer message of a turn whose stream the client dropped', async () => {
  hang = true;
  const started = (await (await postJson(`${server.url}/v1/chat`, { message: '你好' })).json()) as { session_id: string };
  const res = await postJson(`${server.url}/v1/chat`, { message: '你们的退货政策是什么?', session_id: started.session_id, stream: true });
  const reader = res.body!.getReader();
  let seen = '';
  while (!seen.includes('event: delta')) seen += new TextDecoder().decode((await reader.read()).value);
  await reader.cancel();
  hang = false;
  const deadline = Date.now() + 5_000;
  let roles: string[] = [];
  while (Date.now() < deadline) {
    roles = (await transcript(started.session_id)).map((m) => m.role);
    if (roles.length >= 3) break;
    await new Promise((r) => setTimeout(r, 50));
  }
  expect(roles.slice(0, 3)).toEqual(['user', 'assistant', 'user']);
  expect((await transcript(started.session_id))[2]!.content).toBe('你们的退货政策是什么?');
});
