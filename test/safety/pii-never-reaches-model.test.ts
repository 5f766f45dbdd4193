import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { startFakeOpenAIServer, type FakeOpenAIServer } from '../llm/fake-openai-server.ts';
import { ADMIN_KEY, postJson, startTestServer, type TestServer } from '../support/start-test-server.ts';

/**
 * The invariant at the real boundary: every PII case of the evaluation set is sent through
 * /v1/chat with a question that makes Kefu call the model (an OpenAI-compatible server on
 * loopback that records every request, used for NLU and generation), and no raw value appears in
 * anything the model server received — nor in the stored transcripts or the audit log.
 */
interface Case {
  text: string;
  entities: { type: string; text: string }[];
}
const cases = readFileSync(new URL('../../eval/pii/cases.jsonl', import.meta.url), 'utf8').trim().split('\n').map((l) => JSON.parse(l) as Case).filter((c) => c.entities.length > 0);

let fake: FakeOpenAIServer;
let server: TestServer;
beforeAll(async () => {
  fake = await startFakeOpenAIServer();
  server = await startTestServer({ KEFU_LLM: 'openai', KEFU_LLM_BASE_URL: fake.url, KEFU_LLM_MODEL: 'fake-model', KEFU_NLU: 'llm', KEFU_RATE_LIMIT_PER_MINUTE: '100000' });
});
afterAll(async () => {
  await server?.destroy();
  await fake?.close();
});

it(`no raw value of ${cases.length} PII cases reaches the model, the transcript or the audit log`, async () => {
  const sessions: string[] = [];
  let session: string | undefined;
  for (const [i, c] of cases.entries()) {
    // Ten cases per session, so the values also travel in the history part of the prompt.
    if (i % 10 === 0) session = undefined;
    const res = await postJson(`${server.url}/v1/chat`, { message: `${c.text} 另外问下,你们的退货政策是什么?`, ...(session ? { session_id: session } : {}) });
    expect(res.status).toBe(200);
    const body = (await res.json()) as { session_id: string };
    if (session === undefined) sessions.push(body.session_id);
    session = body.session_id;
  }
  expect(fake.requests.length).toBeGreaterThan(cases.length); // NLU and generation both asked the model
  const sent = JSON.stringify(fake.requests.map((r) => r.body));
  const auth = { authorization: `Bearer ${ADMIN_KEY}` };
  const stored = (await Promise.all(sessions.map(async (s) => (await fetch(`${server.url}/v1/sessions/${s}`, { headers: auth })).text()))).join('\n');
  const audit = await (await fetch(`${server.url}/v1/audit/export`, { headers: auth })).text();

  const leaks: string[] = [];
  for (const c of cases) {
    for (const e of c.entities) {
      const digits = e.text.replace(/\D/g, '');
      const forms = [e.text, ...(digits.length >= 7 ? [digits] : [])];
      for (const [where, text] of [['model', sent], ['transcript', stored], ['audit', audit]] as const) {
        if (forms.some((f) => text.includes(f))) leaks.push(`${where}: ${e.type} ${e.text}`);
      }
    }
  }
  expect(leaks).toEqual([]);
}, 300_000);
