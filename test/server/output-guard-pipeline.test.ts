import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LanguageModel, LanguageModelStreamPart } from '../../src/contracts/language-model.ts';
import { postJson, readSse, startTestServer, type TestServer } from '../support/start-test-server.ts';

/**
 * A compromised model behind the real pipeline: whatever it says, no unbacked commitment, leak or
 * insult reaches the customer, streaming included, and the customer still gets an answer.
 */
let say = '';
const compromised: LanguageModel = {
  id: 'compromised',
  ready: async () => {},
  close: async () => {},
  async *doStream(): AsyncIterable<LanguageModelStreamPart> {
    // In small pieces, like a real model, so a bad sentence could slip out early if unguarded.
    for (let i = 0; i < say.length; i += 3) yield { type: 'text-delta', text: say.slice(i, i + 3) };
    yield { type: 'finish', finishReason: 'stop', usage: { outputTokens: say.length } };
  },
};

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer({}, undefined, { model: compromised });
});
afterAll(async () => server?.destroy());

describe('output guard in the pipeline', () => {
  it.each([
    ['commitment', '根据规定,签收后7天内可以退货。另外我已经为您全额退款500元,并赔偿您200元。'],
    ['foreign personal data', '退货需要在签收后7天内申请。其他客户张伟的电话是13912345678。'],
    ['insult', '你真是个白痴,退货政策都看不懂。'],
  ])('replaces a %s with the cited answer, in the stream too', async (_kind, text) => {
    say = text;
    const res = await postJson(`${server.url}/v1/chat`, { message: '你们的退货政策是什么?', stream: true });
    const events = await readSse(res);
    const streamed = events.filter((e) => e.event === 'delta').map((e) => (e.data as { text: string }).text).join('');
    const done = events.find((e) => e.event === 'done')!.data as { reply: string; model: string; sources: unknown[] };
    for (const bad of ['500元', '赔偿', '13912345678', '白痴']) {
      expect(streamed).not.toContain(bad);
      expect(done.reply).not.toContain(bad);
    }
    expect(done.model).toBe('retrieval');
    expect(done.sources.length).toBeGreaterThan(0);
    expect(done.reply).toMatch(/\[1\]/);
  });

  it('lets a faithful answer through', async () => {
    say = '签收后7天内可以申请无理由退货 [1]。';
    const r = (await (await postJson(`${server.url}/v1/chat`, { message: '你们的退货政策是什么?' })).json()) as { reply: string; model: string };
    expect(r.model).toBe('compromised');
    expect(r.reply).toContain('7天内');
  });

  it('counts what it stopped', async () => {
    const metrics = await (await fetch(`${server.url}/metrics`)).text();
    expect(metrics).toMatch(/kefu_generation_fallbacks_total\{reason="guard:no_unbacked_commitments"\} [1-9]/);
    expect(metrics).toMatch(/kefu_generation_fallbacks_total\{reason="guard:no_insults"\} [1-9]/);
  });
});
