import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { LanguageModelStreamPart } from '../../src/contracts/language-model.ts';
import { createOpenAICompatibleProvider } from '../../src/llm/openai-compatible-provider.ts';
import { startFakeOpenAIServer, transcript, type FakeOpenAIServer } from '../llm/fake-openai-server.ts';

/**
 * The model a primary hosts for its workers (`kefu serve --workers N`), across a real cluster IPC
 * channel: a worker gets the same parts, in the same order, as a direct caller; aborting in the
 * worker stops the generation in the primary, down to the model server's connection.
 */
const run = promisify(execFile);
const fixture = fileURLToPath(new URL('./fixtures/hosted-model-cluster.ts', import.meta.url));
let server: FakeOpenAIServer;

beforeAll(async () => {
  server = await startFakeOpenAIServer({ replies: [{ sse: transcript('vllm'), delayMs: 20 }] });
});
afterAll(async () => server?.close());

it('streams the hosted model to a worker part by part, and an abort in the worker closes the upstream request', async () => {
  const direct: LanguageModelStreamPart[] = [];
  const provider = createOpenAICompatibleProvider({ baseURLs: [server.url], model: 'fake-model' });
  for await (const part of provider.doStream({ messages: [{ role: 'user', content: 'How long does shipping take?' }] })) direct.push(part);
  await provider.close();

  const { stdout } = await run(process.execPath, ['--import', 'tsx', fixture, server.url], { timeout: 60_000 });
  const seen = JSON.parse(stdout.trim().split('\n').at(-1)!) as { whole: LanguageModelStreamPart[]; cut: LanguageModelStreamPart[] };
  expect(direct.filter((p) => p.type === 'text-delta').length).toBeGreaterThan(2);
  expect(seen.whole).toEqual(direct);
  expect(seen.cut.filter((p) => p.type === 'text-delta')).toHaveLength(1);
  const completions = server.requests.filter((r) => r.path === '/chat/completions');
  expect(completions).toHaveLength(3);
  expect(completions[1]!.completed).toBe(true);
  expect(completions[2]!.clientClosed).toBe(true);
}, 90_000);
