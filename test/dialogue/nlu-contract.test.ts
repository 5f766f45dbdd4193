import { findShippedModel } from '../../src/config/load-config.ts';
import { createEmbeddedNlu } from '../../src/dialogue/embedded-nlu.ts';
import { extractEntities } from '../../src/dialogue/entities/extract-entities.ts';
import { createLlmNlu } from '../../src/dialogue/llm-nlu.ts';
import { createEmbeddedProvider } from '../../src/llm/embedded-provider.ts';
import { createOpenAICompatibleProvider } from '../../src/llm/openai-compatible-provider.ts';
import { deadURL, startFakeOpenAIServer } from '../llm/fake-openai-server.ts';
import { runNluContract } from './nlu.contract.ts';

/** Every Nlu adapter: the embedded one, and the LLM one over a real backend of each kind. */
const embedded = () => createEmbeddedNlu({ extractEntities });

/** An OpenAI-compatible stream whose content is `text`, a few characters per event. */
function sseOf(text: string): string {
  const chunk = (delta: Record<string, unknown>, finish: string | null) =>
    `data: ${JSON.stringify({ id: 'c1', object: 'chat.completion.chunk', created: 1, model: 'fake', choices: [{ index: 0, delta, finish_reason: finish }] })}\n\n`;
  const pieces = text.match(/[\s\S]{1,7}/g) ?? [];
  return [chunk({ role: 'assistant', content: '' }, null), ...pieces.map((p) => chunk({ content: p }, null)), chunk({}, 'stop'), 'data: [DONE]\n\n'].join('');
}

runNluContract('embedded (rules, lexicons, intent model)', async () => ({ nlu: embedded(), close: async () => {} }), { source: /^embedded$/ });

runNluContract('LLM over an OpenAI-compatible server (local, answering the schema)', async () => {
  const server = await startFakeOpenAIServer({ replies: [{ sse: sseOf(JSON.stringify({ intent: 'return', confidence: 0.82, emotion: 'dissatisfied', intensity: 0.5 })) }] });
  const model = createOpenAICompatibleProvider({ baseURLs: [server.url], maxRetries: 0 });
  return { nlu: createLlmNlu({ model, fallback: embedded() }), close: async () => void (await Promise.all([model.close(), server.close()])) };
}, { source: /^llm$/ });

runNluContract('LLM over an OpenAI-compatible server that is down (falls back)', async () => {
  const model = createOpenAICompatibleProvider({ baseURLs: [await deadURL()], maxRetries: 0, retryDelayMs: 10 });
  return { nlu: createLlmNlu({ model, fallback: embedded() }), close: () => model.close() };
}, { source: /^llm→embedded$/ });

runNluContract('LLM over the shipped model in llama.cpp (JSON-schema grammar)', async () => {
  const path = findShippedModel();
  // The shipped model is part of the repository: without it this fails, it does not skip.
  if (path === null) throw new Error('no GGUF model in models/: the shipped kefu-tiny-zh-en.gguf is part of the repository');
  const model = createEmbeddedProvider({ modelPath: path, threads: 1 });
  return { nlu: createLlmNlu({ model, fallback: embedded(), timeoutMs: 30_000 }), close: () => model.close() };
}, { timeoutMs: 90_000, source: /^llm(→embedded)?$/ });
