import { describe, expect, it } from 'vitest';
import type { IntentCandidate, NluResult } from '../../src/contracts/nlu.ts';
import type { OrderConnector } from '../../src/contracts/order-connector.ts';
import { createDialogueManager, emptyDialogueState, type DialogueState } from '../../src/dialogue/dialogue-manager.ts';
import type { FlowContext } from '../../src/dialogue/flow-types.ts';

/**
 * Clarification through the dialogue manager's contract: an NluResult in, a decision out. The
 * readings are given as the NLU would give them, so these tests do not move when the classifier
 * is retrained; test/dialogues/clarify-and-handoff.yaml plays the same through the real server.
 */
const noOrders: OrderConnector = {
  getOrder: () => Promise.resolve(null),
  listOrders: () => Promise.resolve([]),
  createReturn: () => Promise.reject(new Error('no writes here')),
  changeAddress: () => Promise.reject(new Error('no writes here')),
  cancel: () => Promise.reject(new Error('no writes here')),
} as unknown as OrderConnector;

function ctx(text: string, candidates: IntentCandidate[], lang: 'zh' | 'en' = 'zh'): FlowContext {
  const top = candidates[0] ?? { intent: 'other' as const, confidence: 0.3 };
  const nlu: NluResult = { intent: top.intent, confidence: top.confidence, entities: [], emotion: { label: 'neutral', intensity: 0 }, lang, candidates, source: 'test' };
  return { lang, text, nlu, sessionId: 's1', userId: null, now: new Date('2026-11-24T02:00:00Z'), timeZone: 'Asia/Shanghai', orders: noOrders, requestTicket: () => Promise.resolve(), reveal: (t) => t };
}

const UNCLEAR: IntentCandidate[] = [
  { intent: 'product_question', confidence: 0.3 },
  { intent: 'price_coupon', confidence: 0.25 },
  { intent: 'other', confidence: 0.2 },
  { intent: 'payment_problem', confidence: 0.1 },
  { intent: 'greeting', confidence: 0.02 },
];

describe('clarify before handing off', () => {
  const dm = createDialogueManager({ angerHandoff: 0.85 });

  async function clarified(lang: 'zh' | 'en' = 'zh'): Promise<DialogueState> {
    const d = await dm.handle(ctx('这个怎么样', UNCLEAR, lang), emptyDialogueState());
    if (d.kind !== 'reply') throw new Error(`expected a clarifying reply, got ${d.kind}`);
    return d.state;
  }

  it('asks with the two or three likeliest readings Kefu can act on, as quick replies', async () => {
    const d = await dm.handle(ctx('这个怎么样', UNCLEAR), emptyDialogueState());
    expect(d.kind).toBe('reply');
    if (d.kind !== 'reply') return;
    expect(d.quickReplies).toEqual(['商品咨询', '价格和优惠券', '支付问题']);
    expect(d.text).toContain('1. 商品咨询');
    expect(d.text).not.toContain('人工');
    expect(d.state.clarify?.options).toEqual(['product_question', 'price_coupon', 'payment_problem']);
  });

  it('labels the readings in English for an English conversation', async () => {
    const d = await dm.handle(ctx('how about this', UNCLEAR, 'en'), emptyDialogueState());
    expect(d.kind === 'reply' && d.quickReplies).toEqual(['A product question', 'Prices and coupons', 'A payment problem']);
  });

  it('does not ask when the readings lead to the same action (order status and logistics)', async () => {
    const d = await dm.handle(ctx('那个到哪了', [{ intent: 'order_status', confidence: 0.3 }, { intent: 'logistics', confidence: 0.28 }, { intent: 'invoice', confidence: 0.05 }]), emptyDialogueState());
    expect(d.kind === 'reply' && d.quickReplies !== undefined).toBe(false);
  });

  it('does not ask when only one reading is plausible, or when the message is clear', async () => {
    const lone = await dm.handle(ctx('blorp', [{ intent: 'other', confidence: 0.3 }, { intent: 'product_question', confidence: 0.04 }]), emptyDialogueState());
    expect(lone.kind).toBe('answer');
    const clear = await dm.handle(ctx('有优惠券吗', [{ intent: 'price_coupon', confidence: 0.9 }, { intent: 'product_question', confidence: 0.05 }]), emptyDialogueState());
    expect(clear.kind).toBe('answer');
  });

  it('a tap answers the original message with the chosen reading', async () => {
    const state = await clarified();
    const d = await dm.handle(ctx('价格和优惠券', [{ intent: 'price_coupon', confidence: 0.9 }]), state);
    expect(d).toMatchObject({ kind: 'answer', question: '这个怎么样', intent: 'price_coupon' });
    expect(d.state.clarify).toBeUndefined();
  });

  it('the number of a reading, or its label in the other language, picks it too', async () => {
    const byNumber = await dm.handle(ctx('第三个', [{ intent: 'other', confidence: 0.3 }]), await clarified());
    expect(byNumber).toMatchObject({ kind: 'answer', intent: 'payment_problem' });
    const byLabel = await dm.handle(ctx('A product question', [{ intent: 'product_question', confidence: 0.6 }], 'en'), await clarified());
    expect(byLabel).toMatchObject({ kind: 'answer', intent: 'product_question' });
  });

  it('unclear again right after a clarification goes to a person', async () => {
    const d = await dm.handle(ctx('就是那个', UNCLEAR), await clarified());
    expect(d).toMatchObject({ kind: 'handoff', reason: 'failed_turns' });
  });

  it('something clear after a clarification moves on, the offer is dropped', async () => {
    const d = await dm.handle(ctx('有优惠券吗', [{ intent: 'price_coupon', confidence: 0.9 }]), await clarified());
    expect(d.kind).toBe('answer');
    expect(d.state.clarify).toBeUndefined();
  });

  it('an explicit request for a person wins over anything, a pending clarification included', async () => {
    const d = await dm.handle(ctx('别问了,马上给我转人工', [{ intent: 'complaint', confidence: 0.9 }]), await clarified());
    expect(d).toMatchObject({ kind: 'handoff', reason: 'user_request' });
    const en = await dm.handle(ctx('this is useless, let me speak to a human', [{ intent: 'complaint', confidence: 0.8 }], 'en'), emptyDialogueState());
    expect(en).toMatchObject({ kind: 'handoff', reason: 'user_request' });
  });

  it('declining a person, asking whether Kefu is one, or asking for the hours is no request', async () => {
    for (const text of ['不用转人工了', '你是真人吗?', '人工客服几点上班?', 'are you a real person?']) {
      const d = await dm.handle(ctx(text, [{ intent: 'human_agent', confidence: 0.9 }]), emptyDialogueState());
      expect(d.kind, text).not.toBe('handoff');
    }
  });

  it('one knowledge miss is not a transfer; two in a row are', () => {
    const once = dm.afterAnswer(emptyDialogueState(), { confident: false, factual: true });
    expect(once.handoff).toBeNull();
    expect(dm.afterAnswer(once.state, { confident: false, factual: false }).handoff).toBe('failed_turns');
  });
});

describe('clarifying questions in the red-team report', () => {
  it('are Kefu’s own fixed answers, not refusals that count as over-blocking', async () => {
    const { classifyReply } = await import('../../src/redteam/reply-kind.ts');
    const dm = createDialogueManager({ angerHandoff: 0.85 });
    for (const lang of ['zh', 'en'] as const) {
      const d = await dm.handle(ctx('这个怎么样', UNCLEAR, lang), emptyDialogueState());
      const reply = d.kind === 'reply' ? d.text : '';
      expect(classifyReply({ status: 200, reply, handoff: false, handoffReason: null, intent: 'product_question', flow: null }, { inProcess: true })).toBe('template');
    }
  });
});
