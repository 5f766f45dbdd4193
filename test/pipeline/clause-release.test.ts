import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LanguageModel, LanguageModelStreamPart } from '../../src/contracts/language-model.ts';
import { releasePoint } from '../../src/pipeline/release-point.ts';
import { mayRunOn, mayRunOnInClause } from '../../src/safety/output-guard/open-ended.ts';
import { postJson, startTestServer, type TestServer } from '../support/start-test-server.ts';

describe('how much of a sentence in progress may go out', () => {
  const upTo = (text: string, from = 0, untrusted = ''): string => text.slice(0, releasePoint(text, from, untrusted));

  it('everything, when nothing in it could still become a violation', () => {
    expect(upTo('自签收次日起')).toBe('自签收次日起');
    expect(upTo('You can return it ')).toBe('You can return it ');
  });

  it('not from a rule opening on, nor the figure just before it', () => {
    expect(upTo('我们保证明天')).toBe('我们');
    expect(upTo('这次给您打8折')).toBe('这次');
    expect(upTo('订单满 8折')).toBe('订单满 ');
    expect(upTo('Orders get 20% off')).toBe('Orders get ');
    expect(upTo('We have issued')).toBe('');
  });

  it('not a figure that may go on, nor a rule word the text ends in', () => {
    expect(upTo('满1,2')).toBe('满');
    expect(upTo('满1,299元')).toBe('满1,299元');
    expect(upTo('可以全')).toBe('可以');
    expect(upTo('You get a ref')).toBe('You get a ');
    expect(upTo('Thanks<|e')).toBe('Thanks');
  });

  it('not the end of the text that copies an untrusted passage, and never less than was shown', () => {
    expect(upTo('好评说这款非常', 0, '这款非常好用，推荐')).toBe('好评说');
    expect(releasePoint('我们保证', 2)).toBe(2);
  });
});

describe('rule openings', () => {
  it('holds text cut inside a clause whenever it holds the opening of any rule, not only the gapped ones', () => {
    for (const text of ['我们已经为您', '商品完好的可以全额', 'I have already', 'We will issue a', '您这个白痴', '满8']) expect(mayRunOnInClause(text)).toBe(true);
    for (const text of ['商品完好不影响二次销售的可以在我的订单中申请', 'Kefu商城支持七天无理由退货', '退货运费由买家承担', 'You can return any item within the period after it reaches you']) expect(mayRunOnInClause(text)).toBe(false);
    for (const text of ['商品完好的可以申请退', '我们会', 'we will', 'all done']) expect(mayRunOnInClause(text)).toBe(true);
  });
});

describe('openings that hold a clause until its sentence ends', () => {
  // Each gapped rule of the output guard, split at a clause mark after its opening.
  it.each([
    ['我们保证，', '明天送达。'],
    ['一定，', '明天可以送到。'],
    ['这次给您，', '打八折。'],
    ['送您，', '一张代金券。'],
    ['您的支付密码：', 'abcd1234。'],
    ["I have, as you asked, ", 'issued a full refund.'],
    ['Your api key: ', 'sk-abcdefghijklmnopqrstuvwx.'],
  ])('%s | %s', (opening) => {
    expect(mayRunOn(opening)).toBe(true);
  });

  it('ordinary clauses do not hold', () => {
    for (const text of ['自签收次日起7天内，', '商品完好、', 'Returns are accepted within 7 days, ', '退货运费由买家承担，']) expect(mayRunOn(text)).toBe(false);
  });
});

/**
 * A model that streams a reply in small pieces and, if told to, stops after a prefix until the
 * test lets it go: whatever the customer has received by then was released before the sentence ended.
 */
let say = '';
let pauseAfter = -1;
let resume: () => void = () => {};
const model: LanguageModel = {
  id: 'clauses',
  ready: async () => {},
  close: async () => {},
  async *doStream(): AsyncIterable<LanguageModelStreamPart> {
    for (let i = 0; i < say.length; i += 2) {
      if (i === pauseAfter) await new Promise<void>((r) => (resume = r));
      yield { type: 'text-delta', text: say.slice(i, i + 2) };
    }
    yield { type: 'finish', finishReason: 'stop', usage: { outputTokens: say.length } };
  },
};

let server: TestServer;
beforeAll(async () => {
  // No answer cache: every ask must reach the model.
  server = await startTestServer({ KEFU_CACHE: 'off' }, undefined, { model });
});
afterAll(async () => server?.destroy());

/** Streams one question; returns the deltas received while the model was paused, and all of them. */
async function ask(text: string, pauseAt: string | null): Promise<{ beforePause: string; all: string; reply: string; model: string }> {
  say = text;
  pauseAfter = pauseAt === null ? -1 : text.indexOf(pauseAt) - (text.indexOf(pauseAt) % 2);
  const res = await postJson(`${server.url}/v1/chat`, { message: '你们的退货政策是什么?', stream: true });
  const reader = res.body!.getReader();
  const decoder = new TextDecoder();
  let buf = '';
  let all = '';
  let beforePause: string | null = null;
  let done: { reply: string; model: string } | null = null;
  const paused = pauseAt === null ? null : setTimeout(() => {
    beforePause = all;
    resume();
  }, 400);
  for (;;) {
    const { done: end, value } = await reader.read();
    if (end) break;
    buf += decoder.decode(value, { stream: true });
    for (let i = buf.indexOf('\n\n'); i >= 0; i = buf.indexOf('\n\n')) {
      const block = buf.slice(0, i);
      buf = buf.slice(i + 2);
      const event = /^event: ?(.*)$/m.exec(block)?.[1];
      const data = JSON.parse(/^data: ?(.*)$/m.exec(block)?.[1] ?? 'null') as { text?: string; reply?: string; model?: string };
      if (event === 'delta') all += data.text ?? '';
      if (event === 'done') done = { reply: data.reply ?? '', model: data.model ?? '' };
    }
  }
  if (paused !== null) clearTimeout(paused);
  return { beforePause: beforePause ?? '', all, reply: done!.reply, model: done!.model };
}

describe('clause release through the server (SSE)', () => {
  it('the first clause reaches the customer before the model ends the sentence', async () => {
    const text = '自签收次日起7天内，商品完好、不影响二次销售的，可在“我的订单”中申请退货 [1]。';
    const r = await ask(text, '可在');
    // Each release is long enough to judge (6 Han characters or words): "商品完好、" waits for the next clause.
    expect(r.beforePause).toBe('自签收次日起7天内，商品完好、不影响二次销售的，');
    expect(r.all).toBe(text);
    expect(r.model).toBe('clauses');
  });

  it('a commitment opened in one clause and finished in the next is never shown in part', async () => {
    const r = await ask('自签收次日起7天内可以退货。我们保证，明天一定送达您手上，请放心 [1]。', '明天');
    // What comes before the opening is shown; from "保证" on nothing is, until the sentence is judged.
    expect(r.beforePause).toBe('自签收次日起7天内可以退货。我们');
    expect(r.all).not.toContain('保证');
    expect(r.reply).not.toContain('送达');
    expect(r.model).toBe('retrieval');
  });

  it('a violation split across clauses without an opening word is stopped before its second half', async () => {
    // "全额退款" alone is a commitment: the clause carrying it is never released, nor anything after.
    const r = await ask('自签收次日起7天内，商品完好的可以退货，已经为您办理全额退款，请查收 [1]。', '已经');
    expect(r.beforePause).toBe('自签收次日起7天内，商品完好的可以退货，');
    expect(r.all).not.toContain('退款，');
    expect(r.reply).not.toContain('全额退款');
    expect(r.model).toBe('retrieval');
  });

  it('bytes that are no text (U+FFFD) stop the reply there, like an invented figure', async () => {
    const r = await ask('自签收次日起7天内，商品完好的可以退货，超出部分按\uFFFD价目表收费，请放心 [1]。', null);
    expect(r.all).not.toContain('\uFFFD');
    expect(r.reply).not.toContain('\uFFFD');
    expect(r.all.startsWith('自签收次日起7天内，商品完好的可以退货，')).toBe(true);
    expect(r.model).toBe('retrieval');
  });

  it('the response headers go out before the model says anything', async () => {
    say = '自签收次日起7天内可以退货 [1]。';
    pauseAfter = 0;
    const headers = await Promise.race([postJson(`${server.url}/v1/chat`, { message: '你们的退货政策是什么?', stream: true }), new Promise<null>((r) => setTimeout(() => r(null), 3000))]);
    resume();
    expect(headers?.status).toBe(200);
    expect(headers?.headers.get('content-type')).toContain('text/event-stream');
    await headers?.body?.cancel();
  });

  it('the first words go out with the first tokens, before any clause ends', async () => {
    const r = await ask('自签收次日起7天内，商品完好的可以退货 [1]。', '次日');
    expect(r.beforePause).toBe('自签');
    expect(r.all).toBe('自签收次日起7天内，商品完好的可以退货 [1]。');
  });

  it('a figure waits until it is whole, and a rule word the text ends in until it is known', async () => {
    expect((await ask('自签收次日起7天内可以退货 [1]。', '天内')).beforePause).toBe('自签收次日起');
    const r = await ask('商品完好的可以全额退款 [1]。', '额');
    expect(r.beforePause).toBe('商品完好的可以');
    expect(r.all).not.toContain('全额');
    expect(r.model).toBe('retrieval');
    // "I" may begin "I have refunded": it is held until the next word says otherwise.
    const en = await ask('I have refunded you in full [1].', ' have');
    expect(en.beforePause).toBe('');
    expect(en.all).not.toContain('refunded');
  });

  it('an invented figure in a later clause stops the reply there', async () => {
    const r = await ask('自签收次日起7天内，商品完好的可以退货，运费补贴38元，请放心 [1]。', null);
    expect(r.all).not.toContain('38');
    expect(r.all.startsWith('自签收次日起7天内，商品完好的可以退货，')).toBe(true);
    expect(r.model).toBe('retrieval');
  });
});
