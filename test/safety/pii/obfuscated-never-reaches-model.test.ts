import { afterAll, beforeAll, expect, it } from 'vitest';
import { foldDigits } from '../../../src/safety/pii/normalize-for-scan.ts';
import { startFakeOpenAIServer, type FakeOpenAIServer } from '../../llm/fake-openai-server.ts';
import { ADMIN_KEY, postJson, startTestServer, type TestServer } from '../../support/start-test-server.ts';

/**
 * Issue 13, finding 6, at the real boundary: phones written with invisible or non-breaking
 * separators, dots or Chinese numerals, and names in shipping formats, sent through /v1/chat to
 * a Kefu whose model (NLU and generation) is an OpenAI-compatible server on loopback that records
 * every request. None of the values may reach it, nor the stored transcript.
 */
const CASES: { text: string; values: string[] }[] = [
  { text: '电话138\u200b1234\u200b5678，寄到老地址', values: ['138\u200b1234\u200b5678'] },
  { text: '手机1\u200c3\u200c9\u200c1\u200c2\u200c3\u200c4\u200c5\u200c6\u200c7\u200c8', values: ['1\u200c3\u200c9\u200c1\u200c2\u200c3\u200c4\u200c5\u200c6\u200c7\u200c8'] },
  { text: 'call me on 186\u00a00022\u00a03344', values: ['186\u00a00022\u00a03344'] },
  { text: '电话 158\u202f1234\u202f5678', values: ['158\u202f1234\u202f5678'] },
  { text: '我的号码是151.3456.7890', values: ['151.3456.7890'] },
  { text: '我手机一三八一二三四五六七八', values: ['一三八一二三四五六七八'] },
  { text: '电话幺三九零零幺幺二二三三', values: ['幺三九零零幺幺二二三三'] },
  { text: '号码１３６０１２３９８７６', values: ['１３６０１２３９８７６'] },
  { text: '张伟 [手机号] 帮我改下收件人', values: ['张伟'] },
  { text: '这单寄给李娜', values: ['李娜'] },
  { text: 'Ship to: Mary Smith', values: ['Mary Smith'] },
];

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

it(`none of ${CASES.length} obfuscated phones and shipping names reaches the model or the transcript`, async () => {
  const sessions: string[] = [];
  for (const c of CASES) {
    const res = await postJson(`${server.url}/v1/chat`, { message: `${c.text} 另外问下,你们的退货政策是什么?` });
    expect(res.status).toBe(200);
    sessions.push(((await res.json()) as { session_id: string }).session_id);
  }
  expect(fake.requests.length).toBeGreaterThan(CASES.length);
  const sent = JSON.stringify(fake.requests.map((r) => r.body));
  const auth = { authorization: `Bearer ${ADMIN_KEY}` };
  const stored = (await Promise.all(sessions.map(async (s) => (await fetch(`${server.url}/v1/sessions/${s}`, { headers: auth })).text()))).join('\n');
  const leaks: string[] = [];
  for (const c of CASES) {
    for (const v of c.values) {
      const digits = foldDigits(v).replace(/\D/g, '');
      const forms = [v, ...(digits.length >= 7 ? [digits, `${digits.slice(0, 3)} ${digits.slice(3, 7)} ${digits.slice(7)}`] : [])];
      for (const [where, text] of [['model', sent], ['transcript', stored]] as const) {
        if (forms.some((f) => text.includes(f) || JSON.stringify(text).includes(JSON.stringify(f).slice(1, -1)))) leaks.push(`${where}: ${v}`);
      }
    }
  }
  expect(leaks).toEqual([]);
}, 120_000);
