import { afterAll, describe, expect, it } from 'vitest';
import { findShippedModel } from '../../src/config/load-config.ts';
import type { GenerateParams, LanguageModel, LanguageModelStreamPart } from '../../src/contracts/language-model.ts';
import { createEmbeddedNlu } from '../../src/dialogue/embedded-nlu.ts';
import { extractEntities } from '../../src/dialogue/entities/extract-entities.ts';
import { INTENTS, NLU_JSON_SCHEMA, createLlmNlu } from '../../src/dialogue/llm-nlu.ts';
import { createEmbeddedProvider } from '../../src/llm/embedded-provider.ts';

const NOW = new Date('2026-11-24T02:00:00Z');
const fallback = createEmbeddedNlu({ extractEntities });

/** A model whose output is fixed, for the failure paths (the success path uses the real model). */
function scripted(text: string | Error, seen: GenerateParams[] = []): LanguageModel {
  return {
    id: 'scripted',
    ready: async () => {},
    close: async () => {},
    async *doStream(params): AsyncIterable<LanguageModelStreamPart> {
      seen.push(params);
      if (text instanceof Error) {
        yield { type: 'error', error: text };
        return;
      }
      yield { type: 'text-delta', text };
      yield { type: 'finish', finishReason: 'stop', usage: {} };
    },
  };
}

describe('LLM NLU', () => {
  const modelPath = findShippedModel();
  const model = modelPath === null ? null : createEmbeddedProvider({ modelPath, threads: 1 });
  afterAll(async () => model?.close());

  // The shipped model is part of the repository: without it this fails, it does not skip.
  it('the shipped model answers the NLU schema through a llama.cpp grammar; the result is always valid', async () => {
    if (model === null) throw new Error('no GGUF model in models/: the shipped kefu-tiny-zh-en.gguf is part of the repository');
    // The grammar is the real boundary: whatever the model's skill, the output parses and its
    // intent is one of the contract's.
    let raw = '';
    for await (const part of model.doStream({ messages: [{ role: 'user', content: 'Message: 我要退货' }], jsonSchema: NLU_JSON_SCHEMA, maxTokens: 160, temperature: 0 })) {
      if (part.type === 'text-delta') raw += part.text;
    }
    expect(raw, raw).toMatch(/\}/);
    const parsed = JSON.parse(/\{[\s\S]*?\}/.exec(raw)![0]) as { intent: string; emotion: string };
    expect(INTENTS).toContain(parsed.intent);
    expect(['neutral', 'anxious', 'dissatisfied', 'angry', 'satisfied']).toContain(parsed.emotion);

    // A 5.8M-parameter model is no labeller: out-of-range numbers are refused and the embedded
    // NLU answers. Either way the result follows the contract and carries the exact entities.
    const nlu = createLlmNlu({ model, fallback, timeoutMs: 20_000 });
    const r = await nlu.understand({ text: '昨天下的单怎么还没发货?', now: NOW, timeZone: 'Asia/Shanghai' });
    expect(['llm', 'llm→embedded']).toContain(r.source);
    expect(INTENTS).toContain(r.intent);
    expect(r.confidence).toBeGreaterThanOrEqual(0);
    expect(r.confidence).toBeLessThanOrEqual(1);
    expect(r.entities).toContainEqual(expect.objectContaining({ type: 'date', value: '2026-11-23' }));
  }, 60_000);

  it('uses the model labels and asks with a JSON schema', async () => {
    const seen: GenerateParams[] = [];
    const nlu = createLlmNlu({ model: scripted('{"intent":"refund","confidence":0.9,"emotion":"anxious","intensity":0.6}', seen), fallback });
    const r = await nlu.understand({ text: 'where is my money KF20261121001', now: NOW, timeZone: 'Asia/Shanghai' });
    expect(r).toMatchObject({ intent: 'refund', confidence: 0.9, emotion: { label: 'anxious', intensity: 0.6 }, source: 'llm' });
    expect(r.entities).toContainEqual(expect.objectContaining({ type: 'order_id', value: 'KF20261121001' }));
    expect(seen[0]!.jsonSchema).toBeDefined();
  });

  it.each([
    ['invalid JSON', 'intent: refund'],
    ['a label outside the contract', '{"intent":"teleport","confidence":1,"emotion":"neutral","intensity":0}'],
    ['a provider error', new Error('upstream 503')],
  ])('falls back to the embedded NLU on %s', async (_what, output) => {
    const reasons: string[] = [];
    const nlu = createLlmNlu({ model: scripted(output), fallback, onFallback: (r) => reasons.push(r) });
    const r = await nlu.understand({ text: '我要退货', now: NOW, timeZone: 'Asia/Shanghai' });
    expect(r.source).toBe('llm→embedded');
    expect(r.intent).toBe('return');
    expect(reasons).toHaveLength(1);
  });

  it('falls back when the model is too slow', async () => {
    const slow: LanguageModel = {
      ...scripted(''),
      async *doStream(params) {
        await new Promise((resolve, reject) => {
          const t = setTimeout(resolve, 5000);
          params.signal?.addEventListener('abort', () => { clearTimeout(t); reject(params.signal!.reason); });
        });
        yield { type: 'text-delta', text: '{}' };
      },
    };
    const started = Date.now();
    const r = await createLlmNlu({ model: slow, fallback, timeoutMs: 100 }).understand({ text: 'thanks, bye', now: NOW, timeZone: 'Asia/Shanghai' });
    expect(r.source).toBe('llm→embedded');
    expect(Date.now() - started).toBeLessThan(2000);
  });
});
