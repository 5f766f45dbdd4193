import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { findShippedModel } from '../../src/config/load-config.ts';
import { createEmbeddedProvider } from '../../src/llm/embedded-provider.ts';
import { createOpenAICompatibleProvider } from '../../src/llm/openai-compatible-provider.ts';
import { createLlmRouter } from '../../src/llm/router/create-llm-router.ts';
import type { LanguageModel } from '../../src/contracts/language-model.ts';
import { writeTinyLlamaGguf } from '../fixtures/llm/tiny-gguf.ts';
import { deadURL, startFakeOpenAIServer, transcript, type FakeOpenAIServer } from './fake-openai-server.ts';
import { runLanguageModelContract } from './language-model.contract.ts';

/** Every LanguageModel adapter, each against a real backend: llama.cpp, an HTTP server, the router over HTTP servers. */

runLanguageModelContract('embedded (llama.cpp on a tiny random GGUF)', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'kefu-llm-contract-'));
  const modelPath = join(dir, 'tiny-random.gguf');
  writeTinyLlamaGguf(modelPath);
  const open = (path: string): LanguageModel => createEmbeddedProvider({ modelPath: path, gpu: false, contextSize: 512, sequences: 2 });
  // The tiny model never emits EOS: a long maxTokens keeps it streaming until the abort.
  const model = open(modelPath);
  const broken = open(join(dir, 'missing.gguf'));
  return {
    model,
    slow: model,
    broken,
    async close() {
      await Promise.all([model.close(), broken.close()]);
      rmSync(dir, { recursive: true, force: true });
    },
  };
}, { timeoutMs: 120_000 });

// The model the repository ships, as KEFU_LLM=embedded runs it: it fails, not skips, without it.
runLanguageModelContract('embedded (llama.cpp on the shipped kefu-tiny-zh-en.gguf)', async () => {
  const modelPath = findShippedModel();
  if (modelPath === null) throw new Error('no GGUF model in models/: the shipped kefu-tiny-zh-en.gguf is part of the repository');
  const model = createEmbeddedProvider({ modelPath, gpu: false, sequences: 2 });
  const broken = createEmbeddedProvider({ modelPath: `${modelPath}.missing`, gpu: false });
  return { model, slow: model, broken, close: async () => void (await Promise.all([model.close(), broken.close()])) };
}, { timeoutMs: 120_000 });

const sentMaxTokens = (server: FakeOpenAIServer) => server.requests.filter((r) => r.path === '/chat/completions').map((r) => (r.body as { max_tokens?: unknown }).max_tokens);

/** A local OpenAI-compatible server replaying the vLLM transcript, and one sending a token every 100 ms. */
async function servers(): Promise<{ fast: FakeOpenAIServer; slow: FakeOpenAIServer; dead: string; close(): Promise<void> }> {
  const [fast, slow] = await Promise.all([
    startFakeOpenAIServer({ replies: [{ sse: transcript('vllm') }] }),
    startFakeOpenAIServer({ replies: [{ sse: transcript('vllm'), delayMs: 100 }] }),
  ]);
  return { fast, slow, dead: await deadURL(), close: async () => void (await Promise.all([fast.close(), slow.close()])) };
}

/** An OpenAI-compatible provider on one server, without retries (the contract times its failures). */
const http = (url: string): LanguageModel => createOpenAICompatibleProvider({ baseURLs: [url], maxRetries: 0, retryDelayMs: 10, firstTokenTimeoutMs: 5_000 });

/** The harness for three models answered by `s`: closed with the servers. */
function overServers(s: Awaited<ReturnType<typeof servers>>, model: LanguageModel, slow: LanguageModel, broken: LanguageModel) {
  return {
    model,
    slow,
    broken,
    maxTokensSent: () => sentMaxTokens(s.fast),
    async close() {
      await Promise.all([model.close(), slow.close(), broken.close()]);
      await s.close();
    },
  };
}

runLanguageModelContract('OpenAI-compatible (a local HTTP server)', async () => {
  const s = await servers();
  return overServers(s, http(s.fast.url), http(s.slow.url), http(s.dead));
});

runLanguageModelContract('router (active and standby OpenAI-compatible servers)', async () => {
  const s = await servers();
  const router = (active: string, standby: string) =>
    createLlmRouter({ backends: [{ id: 'active', role: 'active', model: http(active) }, { id: 'standby', role: 'standby', model: http(standby) }] });
  const dead2 = await deadURL();
  // The model's active backend is down: every answer is the standby's, as after a failover.
  return overServers(s, router(s.dead, s.fast.url), router(s.slow.url, s.fast.url), router(s.dead, dead2));
});

// Backends of both kinds behind one router: a server that is down fails over to the embedded model.
runLanguageModelContract('router (OpenAI-compatible active down, embedded llama.cpp standby)', async () => {
  const modelPath = findShippedModel();
  if (modelPath === null) throw new Error('no GGUF model in models/: the shipped kefu-tiny-zh-en.gguf is part of the repository');
  const [dead, dead2] = [await deadURL(), await deadURL()];
  const embedded = createEmbeddedProvider({ modelPath, gpu: false, sequences: 2 });
  const missing = createEmbeddedProvider({ modelPath: `${modelPath}.missing`, gpu: false });
  const router = (active: LanguageModel, standby: LanguageModel) =>
    createLlmRouter({ backends: [{ id: 'active', role: 'active', model: active }, { id: 'standby', role: 'standby', model: standby }] });
  const [model, broken] = [router(http(dead), embedded), router(http(dead2), missing)];
  return {
    model,
    slow: model,
    broken,
    async close() {
      await Promise.all([model.close(), broken.close()]);
    },
  };
}, { timeoutMs: 120_000 });
