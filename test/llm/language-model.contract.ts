import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { GenerateParams, LanguageModel, LanguageModelStreamPart } from '../../src/contracts/language-model.ts';
import { KefuError } from '../../src/errors.ts';

/**
 * The behaviour every `LanguageModel` adapter must have, run once per adapter against a real
 * backend (llama.cpp in-process, a local OpenAI-compatible server over HTTP, the router over such
 * servers). The pipeline relies on exactly this: text parts, then one terminal part and nothing
 * after it; an abort ends the stream at once with `finish (abort)`; a backend that cannot serve
 * ends the stream with an `error` part instead of throwing from the iterator.
 */
export interface LanguageModelFixture {
  /** Answers: some text, then `finish`. */
  model: LanguageModel;
  /** Answers slowly or at length, so a stream can be aborted half way. */
  slow: LanguageModel;
  /** Its backend cannot serve (nothing listening, no such model file). */
  broken: LanguageModel;
  /**
   * HTTP adapters leave the limit to the server: the `max_tokens` each request to `model`'s
   * backend carried. Absent for in-process models, whose `usage.outputTokens` is checked instead.
   */
  maxTokensSent?: () => unknown[];
  close(): Promise<void>;
}

const FINISH_REASONS = ['stop', 'length', 'abort', 'error', 'other'];

const ask = (over: Partial<GenerateParams> = {}): GenerateParams => ({ messages: [{ role: 'user', content: '我的订单到哪了?' }], maxTokens: 8, temperature: 0, ...over });

async function collect(model: LanguageModel, params: GenerateParams): Promise<LanguageModelStreamPart[]> {
  const parts: LanguageModelStreamPart[] = [];
  for await (const p of model.doStream(params)) parts.push(p);
  return parts;
}

/** Text parts only, then exactly one terminal part, last. */
function expectWellFormed(parts: readonly LanguageModelStreamPart[]): LanguageModelStreamPart {
  expect(parts.length).toBeGreaterThan(0);
  const last = parts.at(-1)!;
  expect(['finish', 'error']).toContain(last.type);
  for (const p of parts.slice(0, -1)) {
    expect(p.type, JSON.stringify(p)).toBe('text-delta');
    if (p.type === 'text-delta') expect(typeof p.text).toBe('string');
  }
  return last;
}

const textOf = (parts: readonly LanguageModelStreamPart[]) => parts.map((p) => (p.type === 'text-delta' ? p.text : '')).join('');

export function runLanguageModelContract(name: string, factory: () => Promise<LanguageModelFixture>, options: { timeoutMs?: number } = {}): void {
  const timeout = options.timeoutMs ?? 30_000;
  describe(`LanguageModel contract: ${name}`, () => {
    let f: LanguageModelFixture;
    beforeEach(async () => {
      f = await factory();
    }, timeout);
    afterEach(async () => {
      await f.close();
    }, timeout);

    it('has an id and becomes ready', async () => {
      expect(typeof f.model.id).toBe('string');
      expect(f.model.id.length).toBeGreaterThan(0);
      await f.model.ready();
    }, timeout);

    it('streams text, then one finish with a known reason and a usage object', async () => {
      const parts = await collect(f.model, ask());
      const last = expectWellFormed(parts);
      expect(last.type, JSON.stringify(last)).toBe('finish');
      if (last.type !== 'finish') return;
      expect(FINISH_REASONS).toContain(last.finishReason);
      expect(['stop', 'length']).toContain(last.finishReason);
      expect(typeof last.usage).toBe('object');
      expect(textOf(parts).length).toBeGreaterThan(0);
    }, timeout);

    it('serves one stream after another, and two at once', async () => {
      const first = await collect(f.model, ask());
      const second = await collect(f.model, ask());
      const both = await Promise.all([collect(f.model, ask()), collect(f.model, ask())]);
      for (const parts of [first, second, ...both]) {
        expect(expectWellFormed(parts).type).toBe('finish');
        expect(textOf(parts).length).toBeGreaterThan(0);
      }
    }, timeout);

    it('ends at once with finish (abort) when the caller aborts mid-stream, passing on no more text', async () => {
      const ctrl = new AbortController();
      const parts: LanguageModelStreamPart[] = [];
      let abortedAfter = -1;
      let abortedAt = 0;
      for await (const p of f.slow.doStream(ask({ maxTokens: 4000, signal: ctrl.signal }))) {
        parts.push(p);
        if (p.type === 'text-delta' && abortedAfter < 0) {
          abortedAfter = parts.length;
          abortedAt = Date.now();
          ctrl.abort();
        }
      }
      expect(abortedAfter, 'the slow model streamed no text before finishing').toBeGreaterThan(0);
      expect(Date.now() - abortedAt).toBeLessThan(2_000);
      expect(parts.at(-1)).toMatchObject({ type: 'finish', finishReason: 'abort' });
      expect(parts.slice(abortedAfter, -1).filter((p) => p.type === 'text-delta')).toEqual([]);
      // The model serves again after an abort.
      expect(expectWellFormed(await collect(f.model, ask())).type).toBe('finish');
    }, timeout);

    it('streams no text for a request aborted before it starts', async () => {
      const ctrl = new AbortController();
      ctrl.abort();
      const parts = await collect(f.model, ask({ signal: ctrl.signal }));
      const last = expectWellFormed(parts);
      expect(textOf(parts)).toBe('');
      expect(last).toMatchObject({ type: 'finish', finishReason: 'abort' });
    }, timeout);

    it('reports a backend that cannot serve as one error part, not a thrown iterator and not text', async () => {
      const parts = await collect(f.broken, ask());
      const last = expectWellFormed(parts);
      expect(last.type, JSON.stringify(last)).toBe('error');
      expect(textOf(parts)).toBe('');
    }, timeout);

    typedCases(() => f, timeout);
  });
}

/** What callers read off the stream: the error's fields, the answer's length bound, its cost. */
function typedCases(fixture: () => LanguageModelFixture, timeout: number): void {
  it('reports a backend that cannot serve as a typed error: code, HTTP status 503, retryable, message', async () => {
    const last = (await collect(fixture().broken, ask())).at(-1);
    expect(last?.type, JSON.stringify(last)).toBe('error');
    if (last?.type !== 'error') return;
    // Callers route on these fields (failover, the degraded reply, the HTTP status).
    expect(last.error).toBeInstanceOf(KefuError);
    const error = last.error as KefuError;
    expect(['llm_unavailable', 'llm_model_not_found']).toContain(error.code);
    expect(error.status).toBe(503);
    expect(typeof error.retryable).toBe('boolean');
    expect(error.message.length).toBeGreaterThan(0);
  }, timeout);

  it('ends promptly with finish (abort) when aborted while the answer is still coming', async () => {
    const ctrl = new AbortController();
    const abortedAt = Date.now() + 20;
    setTimeout(() => ctrl.abort(), 20);
    const parts = await collect(fixture().slow, ask({ maxTokens: 4000, signal: ctrl.signal }));
    expect(Date.now() - abortedAt).toBeLessThan(2_000);
    expect(expectWellFormed(parts)).toMatchObject({ type: 'finish', finishReason: 'abort' });
  }, timeout);

  it('respects maxTokens, and reports usage as non-negative integers', async () => {
    const f = fixture();
    const parts = await collect(f.model, ask({ maxTokens: 3 }));
    const last = expectWellFormed(parts);
    expect(last.type, JSON.stringify(last)).toBe('finish');
    if (last.type !== 'finish') return;
    for (const n of [last.usage.inputTokens, last.usage.outputTokens]) if (n !== undefined) expect(Number.isInteger(n) && n >= 0, String(n)).toBe(true);
    if (f.maxTokensSent !== undefined) expect(f.maxTokensSent().at(-1)).toBe(3);
    else {
      expect(last.usage.outputTokens).toBeDefined();
      expect(last.usage.outputTokens).toBeLessThanOrEqual(3);
      expect(last.usage.outputTokens).toBeGreaterThan(0);
      if (last.usage.outputTokens === 3) expect(['length', 'stop']).toContain(last.finishReason);
    }
  }, timeout);
}
