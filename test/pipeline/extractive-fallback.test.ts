import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ChatReply } from '../../src/contracts/reply-part.ts';
import type { Passage } from '../../src/contracts/knowledge-base.ts';
import { retrievalAnswer } from '../../src/pipeline/retrieval-responder.ts';
import { postJson, startTestServer, type TestServer } from '../support/start-test-server.ts';

/**
 * Issue 15 item 3: the retrieval answer (KEFU_LLM=none, and the model's fallback) is the sentence
 * or two of the best passage that answer the question, cited, not "关于「title」: <whole passage>".
 */
const COMPLETE_CITED = /[。.!?！？]\s*(?:\[\d+\])+\s*$/u;

describe('the extractive retrieval answer through the HTTP API (KEFU_LLM=none, demo KB)', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer({ KEFU_CACHE: 'off' });
  });
  afterAll(async () => {
    await server.destroy();
  });
  const ask = async (message: string): Promise<ChatReply> => {
    const res = await postJson(`${server.url}/v1/chat`, { message });
    expect(res.status).toBe(200);
    return (await res.json()) as ChatReply;
  };

  it.each([
    ['How much extra is SF next-day delivery?', '15 yuan', 'Next-day delivery is not available'],
    ['积分什么时候过期?', '12月31日', '单笔订单最多抵扣'],
    ['How long is the warranty on a TV panel?', '3-year', 'Faults not caused by misuse'],
    ['净化器周围要留多少空间?', '20厘米', '开箱后请取下'],
    ['How far in advance must I reschedule an installation?', '4 hours', 'The installer calls 1 hour before arriving'],
    ['新人券有效期多久?', '30天', '每个订单最多使用一张'],
  ])('%s → the sentence with %s, not the rest of the passage', async (question, fact, elsewhere) => {
    const r = await ask(question);
    expect(r.sources.length).toBeGreaterThan(0);
    expect(r.reply).toContain(fact);
    expect(r.reply).not.toContain(elsewhere);
    expect(r.reply).not.toMatch(/^(?:关于「|About ")/);
    expect(r.reply.split('\n')[0]).toMatch(COMPLETE_CITED);
  });

  it("the README's shipping question keeps its cut-off time and is finished before its citation", async () => {
    const r = await ask('How long does shipping take?');
    expect(r.reply).toContain('16:00');
    expect(r.reply.split('\n')[0]).toMatch(COMPLETE_CITED);
  });
});

describe('retrievalAnswer with the question', () => {
  const p = (id: string, text: string, extra: Partial<Passage> = {}): Passage => ({ id: `${id}#0`, docId: id, title: `T ${id}`, text, score: 10, ...extra });

  it('splits English sentences at ". " but not inside "e.g." or a decimal, and cites the passage', () => {
    const passage = p('heater', 'It needs a 16A socket. Materials are charged, e.g. a mixing valve 80 yuan and pipe 1.5 yuan per metre. Book it in the order.');
    expect(retrievalAnswer([passage], 'en', 'How much is a mixing valve?')).toBe('Materials are charged, e.g. a mixing valve 80 yuan and pipe 1.5 yuan per metre. [1]');
  });

  it('prefers the sentence with a figure of the kind asked for (几天 → days)', () => {
    const passage = p('x', '退货需要在订单里申请。审核通过后3天内退款。退款原路返回。');
    expect(retrievalAnswer([passage], 'zh', '退款几天到?')).toBe('审核通过后3天内退款。 [1]');
  });

  it('still never quotes an untrusted passage', () => {
    const review = p('r', '保温效果很好,推荐购买。', { trust: 'untrusted', score: 12 });
    const policy = p('pol', '用温水和小苏打清洗。');
    expect(retrievalAnswer([review, policy], 'zh', '保温杯怎么洗?')).toBe('用温水和小苏打清洗。 [2]');
  });

  it('takes linear time on a long passage without sentence ends', () => {
    const passage = p('long', `${'a '.repeat(50_000)}b`);
    const t0 = performance.now();
    retrievalAnswer([passage], 'en', `${'a '.repeat(1_000)}?`);
    expect(performance.now() - t0).toBeLessThan(2_000);
  });
});
