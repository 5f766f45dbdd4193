import { existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { getLlama, type Llama, type LlamaModel } from 'node-llama-cpp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { GenerateParams, LanguageModel, LanguageModelStreamPart } from '../../src/contracts/language-model.ts';
import { createEmbeddedProvider, type EmbeddedProviderOptions } from '../../src/llm/embedded-provider.ts';
import { generateText } from '../../src/llm/generate-text.ts';
import { createTokenTextStream } from '../../src/llm/token-text-stream.ts';
import { POLICY } from '../../src/pipeline/prompt-builder.ts';
import { writeTinyLlamaGguf } from '../fixtures/llm/tiny-gguf.ts';

const ask: GenerateParams = { messages: [{ role: 'user', content: 'where is my order' }], temperature: 0 };

async function collect(model: LanguageModel, params: GenerateParams): Promise<LanguageModelStreamPart[]> {
  const parts: LanguageModelStreamPart[] = [];
  for await (const p of model.doStream(params)) parts.push(p);
  return parts;
}
const textOf = (parts: readonly LanguageModelStreamPart[]): string =>
  parts.map((p) => (p.type === 'text-delta' ? p.text : '')).join('');

/**
 * Structural tests on a tiny random-weight GGUF written on the fly (test/fixtures/llm/tiny-gguf.ts):
 * real llama.cpp loading, tokenizing, batching, sampling and grammar, meaningless text. Free
 * generation with that model never emits EOS, so runs end at maxTokens, a stop string or an abort.
 */
describe('embedded provider on a synthetic tiny GGUF', () => {
  let dir: string;
  let modelPath: string;
  const open: LanguageModel[] = [];
  const provider = (o: Partial<EmbeddedProviderOptions> = {}): LanguageModel => {
    const m = createEmbeddedProvider({ modelPath, gpu: false, contextSize: 512, sequences: 2, ...o });
    open.push(m);
    return m;
  };

  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'kefu-llm-'));
    modelPath = join(dir, 'tiny-random.gguf');
    writeTinyLlamaGguf(modelPath);
  });
  afterAll(async () => {
    await Promise.all(open.map((m) => m.close()));
    rmSync(dir, { recursive: true, force: true });
  });

  it('loads lazily on ready() and streams until maxTokens', async () => {
    const model = provider();
    expect(model.id).toBe('embedded:tiny-random');
    await model.ready();
    const parts = await collect(model, { ...ask, maxTokens: 12 });
    const finish = parts.at(-1);
    expect(finish).toMatchObject({ type: 'finish', finishReason: 'length', usage: { outputTokens: 12 } });
    expect(finish?.type === 'finish' && (finish.usage.inputTokens ?? 0) > 5).toBe(true);
    const text = textOf(parts);
    expect(text.length).toBeGreaterThan(0);
    expect(text).not.toContain('\uFFFD');
    expect(parts.some((p) => p.type === 'text-delta' && p.text === '')).toBe(false);
  });

  it('is deterministic under greedy sampling, so the KV cache is cleared between requests', async () => {
    const model = provider({ sequences: 1 });
    const a = await generateText(model, { ...ask, maxTokens: 16 });
    const b = await generateText(model, { ...ask, maxTokens: 16 });
    expect(b.text).toBe(a.text);
  });

  it('stops at a stop string, which is not emitted', async () => {
    const model = provider();
    const full = (await generateText(model, { ...ask, maxTokens: 20 })).text;
    // Pick a 3-character piece whose first occurrence is past the start.
    let at = 4;
    while (at < full.length - 3 && full.indexOf(full.slice(at, at + 3)) !== at) at++;
    expect(at).toBeLessThan(full.length - 3);
    const stopped = await generateText(model, { ...ask, maxTokens: 20, stop: [full.slice(at, at + 3)] });
    expect(stopped.finishReason).toBe('stop');
    expect(stopped.text).toBe(full.slice(0, at));
  });

  it('queues requests beyond the sequence count instead of failing, and batches the rest', async () => {
    const model = provider({ sequences: 2 });
    const solo = await generateText(model, { ...ask, maxTokens: 10 });
    const results = await Promise.all(Array.from({ length: 5 }, () => generateText(model, { ...ask, maxTokens: 10 })));
    for (const r of results) {
      expect(r.finishReason).toBe('length');
      expect(r.text).toBe(solo.text);
    }
  });

  it('abort stops a running generation and a queued request', async () => {
    const model = provider({ sequences: 1 });
    const running = new AbortController();
    const queued = new AbortController();
    const first = (async () => {
      const parts: LanguageModelStreamPart[] = [];
      for await (const p of model.doStream({ ...ask, maxTokens: 400, signal: running.signal })) {
        parts.push(p);
        if (parts.length === 3) running.abort();
      }
      return parts;
    })();
    const second = collect(model, { ...ask, maxTokens: 400, signal: queued.signal });
    queued.abort();
    expect(await second).toEqual([{ type: 'finish', finishReason: 'abort', usage: {} }]);
    const parts = await first;
    const finish = parts.at(-1);
    expect(finish).toMatchObject({ type: 'finish', finishReason: 'abort' });
    expect(finish?.type === 'finish' && (finish.usage.outputTokens ?? 0) < 10).toBe(true);
    // The sequence came back: the next request runs.
    expect((await generateText(model, { ...ask, maxTokens: 3 })).finishReason).toBe('length');
  });

  it('an abort while the model is still loading ends the stream at once, not when the load is done', async () => {
    const m = provider();
    const ctrl = new AbortController();
    const first = m.doStream({ ...ask, maxTokens: 4, signal: ctrl.signal })[Symbol.asyncIterator]().next();
    setImmediate(() => ctrl.abort());
    // A client gone during a cold start must not hold its request until the model is in memory.
    expect(await Promise.race([first.then(() => 'stream ended'), m.ready().then(() => 'model loaded')])).toBe('stream ended');
    expect((await first).value).toMatchObject({ type: 'finish', finishReason: 'abort' });
    await m.ready();
  });

  it('constrains output with a JSON schema grammar and ends at EOS', async () => {
    const model = provider();
    const schema = { type: 'object', properties: { handoff: { type: 'boolean' } }, required: ['handoff'] };
    const r = await generateText(model, { ...ask, maxTokens: 64, jsonSchema: schema });
    expect(r.finishReason).toBe('stop');
    expect(typeof (JSON.parse(r.text) as { handoff: unknown }).handoff).toBe('boolean');
  });

  it('uses formatPrompt when given', async () => {
    const seen: string[] = [];
    const model = provider({
      formatPrompt: (messages) => {
        const p = messages.map((m) => m.content).join('\n');
        seen.push(p);
        return p;
      },
    });
    const r = await generateText(model, { ...ask, maxTokens: 2 });
    expect(seen).toEqual(['where is my order']);
    expect(r.usage.inputTokens).toBeLessThan(30);
  });

  it('rejects a prompt longer than the context with llm_context_overflow', async () => {
    const model = provider({ contextSize: 256 });
    const parts = await collect(model, { messages: [{ role: 'user', content: 'order '.repeat(400) }] });
    expect(parts).toHaveLength(1);
    expect(parts[0]).toMatchObject({ type: 'error', error: { code: 'llm_context_overflow', status: 400 } });
  });

  it('a missing model file fails ready() with llm_model_not_found', async () => {
    const model = createEmbeddedProvider({ modelPath: join(dir, 'nope.gguf'), gpu: false });
    await expect(model.ready()).rejects.toMatchObject({ code: 'llm_model_not_found' });
    expect(await collect(model, ask)).toMatchObject([{ type: 'error', error: { code: 'llm_model_not_found' } }]);
  });

  describe('detokenizing a stream of byte-fallback tokens (real llama.cpp tokenizer)', () => {
    let llama: Llama;
    let model: LlamaModel;
    beforeAll(async () => {
      llama = await getLlama({ gpu: false });
      model = await llama.loadModel({ modelPath });
    });
    afterAll(async () => {
      await model.dispose();
      await llama.dispose();
    });

    it('never emits half a character', () => {
      const text = '你好，请问您的订单号是多少？refund 谢谢';
      const tokens = model.tokenize(text);
      expect(tokens.length).toBeGreaterThan([...text].length); // 你, 问, ... are split into bytes
      const stream = createTokenTextStream({ detokenize: (t: readonly (typeof tokens)[number][]) => model.detokenize(t) });
      let out = '';
      for (const t of tokens) {
        const { delta } = stream.push(t);
        expect(delta).not.toContain('\uFFFD');
        out += delta;
      }
      out += stream.flush();
      expect(out).toBe(model.detokenize(tokens));
      expect(out.trim()).toBe(text);
    });
  });
});

/**
 * The shipped model (being trained into models/ by another engineer) or any GGUF named by
 * KEFU_TEST_MODEL. Skipped until one exists: no GGUF is bundled with node-llama-cpp or in the npm
 * cache, and this machine cannot download one. These checks need a model that was trained on the
 * Kefu chat template, which the synthetic model above is not.
 */
function findRealModel(): string | undefined {
  const fromEnv = process.env.KEFU_TEST_MODEL;
  if (fromEnv) return fromEnv;
  const dir = fileURLToPath(new URL('../../models/', import.meta.url));
  if (!existsSync(dir)) return undefined;
  const gguf = readdirSync(dir).filter((f) => f.endsWith('.gguf')).sort();
  return gguf[0] === undefined ? undefined : join(dir, gguf[0]);
}
// The shipped GGUF (or KEFU_TEST_MODEL) is always present in this repository: without it the
// two tests below fail rather than skip.
const realModel = findRealModel();

describe('embedded provider on the real model', () => {
  let model: LanguageModel;
  beforeAll(async () => {
    if (!realModel) throw new Error('no GGUF model in models/ (nor KEFU_TEST_MODEL): the shipped kefu-tiny-zh-en.gguf is part of the repository');
    model = createEmbeddedProvider({ modelPath: realModel, threads: 1 });
    await model.ready();
  }, 120_000);
  afterAll(async () => {
    await model?.close();
  });

  it('answers a customer message with text, a finish reason and usage, and stops at <|end|>', async () => {
    const parts = await collect(model, {
      messages: [
        // the prompt shape the server builds (policy + passages): the shipped model is trained on it
        // alone, and off that shape a model this small can emit stray bytes
        { role: 'system', content: `${POLICY.zh}\n资料:\n[1] 发货时间: 正常情况下订单会在付款后24小时内发货。` },
        { role: 'user', content: '你好，我的订单什么时候发货？' },
      ],
      maxTokens: 128,
      temperature: 0,
    });
    const text = textOf(parts);
    const finish = parts.at(-1);
    expect(finish?.type).toBe('finish');
    if (finish?.type !== 'finish') return;
    expect(['stop', 'length']).toContain(finish.finishReason);
    expect(text.trim().length).toBeGreaterThan(0);
    expect(text).not.toContain('<|end|>');
    expect(text).not.toContain('<|user|>');
    expect(text).not.toContain('\uFFFD');
    expect(finish.usage.inputTokens).toBeGreaterThan(0);
    expect(finish.usage.outputTokens).toBeGreaterThan(0);
  });

  it('serves concurrent requests on shared sequences', async () => {
    const results = await Promise.all(
      ['退货怎么办理？', '发票怎么开？', '可以改地址吗？', '怎么联系人工客服？', '运费多少？'].map((q) =>
        generateText(model, { messages: [{ role: 'user', content: q }], maxTokens: 32, temperature: 0 }),
      ),
    );
    for (const r of results) expect(['stop', 'length']).toContain(r.finishReason);
  });
});
