import { afterAll, beforeAll, expect, it } from 'vitest';
import { startFakeOpenAIServer, transcript, type FakeOpenAIServer } from '../fake-openai-server.ts';
import { postJson, startTestServer, type TestServer } from '../../support/start-test-server.ts';

/**
 * The server with an active backend that is down and a standby that works: customers keep getting
 * model answers, and /metrics shows each backend's state.
 */
let broken: FakeOpenAIServer;
let standby: FakeOpenAIServer;
let server: TestServer;

beforeAll(async () => {
  broken = await startFakeOpenAIServer({ replies: [{ status: 503, body: { error: { message: 'overloaded' } } }], models: { status: 503 } });
  standby = await startFakeOpenAIServer({ replies: [{ sse: transcript('vllm') }] });
  server = await startTestServer({ KEFU_LLM: 'openai', KEFU_LLM_BASE_URL: `${broken.url};standby=${standby.url}`, KEFU_LLM_MODEL: 'fake-model' });
});
afterAll(async () => {
  await server?.destroy();
  await broken?.close();
  await standby?.close();
});

it('answers from the standby while the active backend is down, and reports both', async () => {
  for (let i = 0; i < 3; i++) {
    const res = await postJson(`${server.url}/v1/chat`, { message: '你们的退货政策是什么?' });
    expect(res.status).toBe(200);
  }
  expect(standby.requests.length).toBeGreaterThan(0);
  const metrics = await (await fetch(`${server.url}/metrics`)).text();
  expect(metrics).toMatch(/kefu_llm_backend_requests_total\{backend="[^"]+",outcome="[a-z_]+"\} \d/);
  expect(metrics).toMatch(/kefu_llm_backend_up\{backend="[^"]*"\} 0/);
});
