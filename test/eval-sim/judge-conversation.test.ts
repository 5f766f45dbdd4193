import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { Order } from '../../src/contracts/order-connector.ts';
import type { ChatReply } from '../../src/contracts/reply-part.ts';
import { diffWrites, judgeConversation, type SimTurn } from '../../src/eval-sim/judge-conversation.ts';
import type { SimGoal } from '../../src/eval-sim/draw-goal.ts';
import type { OrderFacts, SimCase } from '../../src/eval-sim/sim-types.ts';
import { KB_QUESTIONS } from '../../src/eval-sim/sim-vocabulary.ts';

const order = (id: string, status: Order['status']): Order => ({ order_id: id, user_id: 'u', status, created_at: '2027-03-01T02:00:00Z', total: 1, currency: 'CNY', items: [{ sku: 'KF-P3', name: 'P3', qty: 1, price: 1 }] });
const reply = (text: string, handoff = false): ChatReply => ({ session_id: 's', message_id: 'm', reply: text, intent: 'other', emotion: { label: 'neutral', intensity: 0 }, handoff, sources: [], cached: false, model: 'none' });
const facts = (status: Order['status'], address = 'A'): OrderFacts => ({ status, address, returns: [] });

const target = order('KF20270301101', 'paid');
const other = order('KF20270301102', 'paid');
const simCase: SimCase = { userId: 'u', orders: [target, other], target };
const cancelGoal: SimGoal = { kind: 'cancel', lang: 'zh-Hans' };

describe('judging a conversation from the order system', () => {
  it('reads writes as the difference between two snapshots', () => {
    const before = new Map([[target.order_id, facts('paid')], [other.order_id, facts('paid')]]);
    const after = new Map([[target.order_id, { ...facts('cancelled', 'B'), returns: [{ type: 'refund' as const, reason: '质量问题' }] }], [other.order_id, facts('paid')]]);
    expect(diffWrites(before, after)).toEqual([
      { kind: 'cancel', orderId: target.order_id },
      { kind: 'address', orderId: target.order_id, address: 'B' },
      { kind: 'return', orderId: target.order_id, type: 'refund', reason: '质量问题' },
    ]);
  });

  it('a confirmed cancel of the goal order resolves; of another order it is a wrong write', () => {
    const turn = (writes: SimTurn['writes'], confirming: boolean): SimTurn => ({ message: confirming ? '确认' : '取消订单', confirming, reply: reply('订单已取消'), writes });
    expect(judgeConversation(cancelGoal, simCase, [turn([], false), turn([{ kind: 'cancel', orderId: target.order_id }], true)], [])).toMatchObject({ resolved: true, wrongWrites: [], failure: null });
    const wrong = judgeConversation(cancelGoal, simCase, [turn([], false), turn([{ kind: 'cancel', orderId: other.order_id }], true)], []);
    expect(wrong).toMatchObject({ resolved: false, failure: 'wrong_write:wrong_order' });
    const early = judgeConversation(cancelGoal, simCase, [turn([{ kind: 'cancel', orderId: target.order_id }], false)], []);
    expect(early).toMatchObject({ resolved: false, failure: 'wrong_write:unconfirmed' });
    const nothing = judgeConversation(cancelGoal, simCase, [{ message: '取消订单', confirming: false, reply: reply('正在为您转接人工客服', true), writes: [] }], []);
    expect(nothing).toMatchObject({ resolved: false, transferred: true, failure: 'handoff' });
  });

  it('a list of the customer\'s orders is no order-status answer', () => {
    const shipped = { ...order('KF20270301104', 'shipped'), tracking_no: 'SF1234567890123' };
    const c: SimCase = { userId: 'u', orders: [shipped, other], target: shipped };
    const goal: SimGoal = { kind: 'order_status', lang: 'zh-Hans' };
    const judge = (text: string) => judgeConversation(goal, c, [{ message: '到哪了', confirming: false, reply: reply(text), writes: [] }], []).resolved;
    expect(judge('请问是哪个订单? 1. KF20270301104 P3(已发货) 2. KF20270301102 P3(已付款)')).toBe(false);
    expect(judge('订单 KF20270301104(P3):已发货,正在运输中。运单号 SF1234567890123。')).toBe(true);
  });

  it('an address change must store the customer address and nothing else', () => {
    const goal: SimGoal = { kind: 'address_change', lang: 'en', address: { text: 'Flat 12B, 65 Orchard Road, Singapore 238826', key: '65 Orchard Road' } };
    const judge = (address: string) => judgeConversation(goal, simCase, [{ message: 'yes', confirming: true, reply: reply('done'), writes: [{ kind: 'address', orderId: target.order_id, address }] }], []).resolved;
    expect(judge('Flat 12B, 65 Orchard Road, Singapore 238826')).toBe(true);
    expect(judge('new , Flat 12B, 65 Orchard Road, Singapore 238826')).toBe(false);
    expect(judge('Flat 12B, 56 Orchard Road, Singapore 238826')).toBe(false);
  });

  it('a refund-status answer that refuses a second return is not the refund status', () => {
    const returned = order('KF20270301103', 'returned');
    const c: SimCase = { userId: 'u', orders: [returned], target: returned };
    const goal: SimGoal = { kind: 'refund_status', lang: 'zh-Hans' };
    const judge = (text: string) => judgeConversation(goal, c, [{ message: '退款到哪了', confirming: false, reply: reply(text), writes: [] }], []).resolved;
    expect(judge('订单 KF20270301103 已经办理过退货了,无法再办理退货退款。')).toBe(false);
    expect(judge('订单 KF20270301103 已办理退货,退款原路退回。')).toBe(true);
    expect(judge('支付宝、微信支付1–3个工作日到账')).toBe(true);
  });
});

describe('the simulator’s knowledge-base questions', () => {
  // A question whose fact is not in the shop's knowledge base would count against Kefu unfairly.
  const kb = path.resolve('kb/demo-shop');
  const docs = readdirSync(kb).flatMap((f) => readFileSync(path.join(kb, f), 'utf8').split('\n'));
  const squash = (s: string) => s.replace(/\s+/g, '').toLowerCase();
  it.each([...KB_QUESTIONS.zh, ...KB_QUESTIONS.en].map((q) => [q.text, q] as const))('%s: its fact is in kb/demo-shop', (_t, q) => {
    expect(docs.some((d) => q.facts.some((group) => group.every((f) => squash(d).includes(squash(f)))))).toBe(true);
  });
});
