import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LanguageModel, LanguageModelStreamPart } from '../../src/contracts/language-model.ts';
import { createLogger } from '../../src/logging/create-logger.ts';
import { createMetrics } from '../../src/metrics/create-metrics.ts';
import { createGroundedGenerator, type Generation } from '../../src/pipeline/grounded-generation.ts';
import { postJson, startTestServer, type TestServer } from '../support/start-test-server.ts';

/** A model that streams `say` two characters at a time. */
let say = '';
const model: LanguageModel = {
  id: 'pieces',
  ready: async () => {},
  close: async () => {},
  async *doStream(): AsyncIterable<LanguageModelStreamPart> {
    for (let i = 0; i < say.length; i += 2) yield { type: 'text-delta', text: say.slice(i, i + 2) };
    yield { type: 'finish', finishReason: 'stop', usage: { outputTokens: say.length } };
  },
};

const PASSAGE = '退货政策：自签收次日起7天内，商品完好、不影响二次销售的，可在“我的订单”中申请退货。';

describe('a reply delivered whole is judged by the sentence, not at every token', () => {
  const generate = createGroundedGenerator({ model, metrics: createMetrics(), logger: createLogger('silent'), maxTokens: 200, minSentenceSupport: 0.5 });

  async function generateWith(early: boolean): Promise<{ parts: string[]; checks: number; out: Generation }> {
    let checks = 0;
    const guard = (): null => {
      checks++;
      return null;
    };
    const out: Generation = { text: '', usage: { outputTokens: 0 }, finishReason: 'stop', fallback: null };
    const parts: string[] = [];
    const prompt = () => [{ role: 'user' as const, content: '你们的退货政策是什么?' }];
    for await (const part of generate([prompt], PASSAGE, '(fallback)', undefined, out, guard, { early })) parts.push(part);
    return { parts, checks, out };
  }

  it('gives the same text in whole sentences, with one guard check per sentence instead of one per released token', async () => {
    say = '自签收次日起7天内，商品完好、不影响二次销售的，可以申请退货。可在“我的订单”中申请退货。';
    const streamed = await generateWith(true);
    const whole = await generateWith(false);
    expect(whole.out.text).toBe(streamed.out.text);
    expect(whole.out.text).toBe(say);
    expect(whole.parts).toEqual(['自签收次日起7天内，商品完好、不影响二次销售的，可以申请退货。', '可在“我的订单”中申请退货。']);
    expect(streamed.parts.length).toBeGreaterThan(5);
    expect(whole.checks).toBe(2);
    expect(streamed.checks).toBeGreaterThan(5);
  });
});

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer({ KEFU_CACHE: 'off' }, undefined, { model });
});
afterAll(async () => server?.destroy());

async function streamedReply(message: string): Promise<{ reply: string; model: string }> {
  const res = await postJson(`${server.url}/v1/chat`, { message, stream: true });
  const text = await res.text();
  const done = text.split('\n\n').find((block) => /^event: ?done$/m.test(block));
  const data = JSON.parse(/^data: ?(.*)$/m.exec(done ?? '')?.[1] ?? 'null') as { reply: string; model: string };
  return { reply: data.reply, model: data.model };
}

async function jsonReply(message: string): Promise<{ reply: string; model: string }> {
  const res = await postJson(`${server.url}/v1/chat`, { message });
  const body = (await res.json()) as { reply: string; model: string };
  return { reply: body.reply, model: body.model };
}

describe('a JSON reply is the reply a stream ends with', () => {
  // Replies that pass, and ones that fail a check after text a stream had already shown.
  it.each([
    '自签收次日起7天内，商品完好、不影响二次销售的，可在“我的订单”中申请退货 [1]。',
    '自签收次日起7天内可以退货。我们保证，明天一定送达您手上，请放心 [1]。',
    '自签收次日起7天内，商品完好的可以退货，已经为您办理全额退款，请查收 [1]。',
    '自签收次日起7天内，商品完好的可以退货，运费补贴38元，请放心 [1]。',
    'I have refunded you in full [1].',
  ])('%s', async (text) => {
    say = text;
    const streamed = await streamedReply('你们的退货政策是什么?');
    const whole = await jsonReply('你们的退货政策是什么?');
    expect(whole).toEqual(streamed);
  });
});
