import type { Order } from '../contracts/order-connector.ts';
import { turnIdCandidates } from './entities/order-id-candidates.ts';
import { findOrderReference, type OrderReference } from './order-reference/find-order-reference.ts';
import { ownOrders } from './order-reference/own-orders.ts';
import type { FillResult, FlowContext, Slots } from './flow-types.ts';
import { orderLine } from './order-text.ts';

/**
 * Finds the order a message is about among the customer's own orders (fetched once per turn):
 * an id however written, a tracking number, "尾号0003", "第二个" from the list shown, a product
 * or a date ("保温杯那单", "昨天下的单"), or the order in focus ("那单", "it"). An id that is
 * not the customer's is "not found on your account", never shown and never replaced by another.
 */
// "不是这个" corrects the order only when it is about the order: "不是这个地址" corrects the address.
const CORRECTION = /不是(这单|那单|这个订单|那个订单)|不是(这个|那个)(?=[\s,，。.!！]|$)|订单(不对|错了)|搞错了?订单|另一个|另外一个|另一单|换成|是上[周个]|是前[天几]|是昨天|not (this|that) (one|order)|wrong order|the other (one|order)|i meant|instead/i;

export interface ResolveOptions {
  /** Orders the user may pick; others are left out of lists. */
  eligible?: (o: Order) => boolean;
  /** An order already chosen, left out when the user says it is the wrong one. */
  exclude?: string;
}

const t = (ctx: FlowContext, zh: string, en: string): string => (ctx.lang === 'zh' ? zh : en);

/** An order by id, only if this customer may see it (anonymous customers ask by number). */
async function lookupOwn(ctx: FlowContext, orderId: string): Promise<Order | null> {
  const order = await ctx.orders.getOrder(orderId, ctx.signal ? { signal: ctx.signal } : {});
  if (order === null) return null;
  if (ctx.userId !== null && order.user_id !== ctx.userId) return null;
  return order;
}

async function reference(ctx: FlowContext, slots: Slots, options: ResolveOptions): Promise<OrderReference> {
  const listed = slots['candidates'] as string[] | undefined;
  const shown = listed ?? ctx.orderMemory?.shownOrderIds;
  return findOrderReference({
    text: ctx.text,
    entities: ctx.nlu.entities,
    orders: await ownOrders(ctx),
    timeZone: ctx.timeZone,
    shown,
    asked: listed !== undefined,
    focusOrderId: ctx.orderMemory?.focusOrderId,
    exclude: options.exclude,
    prefer: options.eligible,
    lookup: (id) => lookupOwn(ctx, id),
  });
}

function focus(ctx: FlowContext, order: Order): Order {
  if (ctx.orderMemory !== undefined) ctx.orderMemory.focusOrderId = order.order_id;
  return order;
}

const checkNumber = (ctx: FlowContext): string =>
  t(ctx, '请核对订单号(在"我的订单"里可以看到),或告诉我是哪天下的单、买的什么。', 'Please check the number (it is under "My orders"), or tell me when you ordered and what.');

export async function resolveOrder(ctx: FlowContext, slots: Slots, options: ResolveOptions = {}): Promise<FillResult> {
  const ref = await reference(ctx, slots, options);
  const anonymous = ctx.userId === null;
  switch (ref.kind) {
    case 'order':
      return { kind: 'filled', slots: { order: focus(ctx, ref.order), candidates: undefined } };
    case 'choice':
      return listChoice(ctx, ref.orders);
    case 'not_found':
      return {
        kind: 'reply',
        text: anonymous
          ? t(ctx, `没有找到订单 ${ref.id},请核对订单号(在"我的订单"里可以看到)。`, `I couldn't find order ${ref.id}. Please check the number (it is under "My orders").`)
          : t(ctx, `您的账户下没有找到订单 ${ref.id}。`, `I couldn't find order ${ref.id} on your account. `) + checkNumber(ctx),
      };
    case 'no_tail':
      if (anonymous) return null;
      return { kind: 'reply', text: t(ctx, `您的账户下没有尾号为 ${ref.tail} 的订单。`, `There is no order ending in ${ref.tail} on your account. `) + checkNumber(ctx) };
    case 'out_of_range':
      return ref.count === 0 ? null : { kind: 'reply', text: t(ctx, `请回复 1 到 ${ref.count} 之间的序号,或直接发订单号。`, `Please reply with a number from 1 to ${ref.count}, or the order number.`) };
    case 'no_match':
      if (anonymous) return null;
      return { kind: 'reply', text: t(ctx, '没有找到符合描述的订单。请发一下订单号,或说说是哪天下的单、买的什么。', "I couldn't find an order matching that. Please send the order number, or tell me when you ordered and what.") };
    case 'none':
      return null;
  }
}

function listChoice(ctx: FlowContext, orders: Order[]): FillResult {
  const top = orders.slice(0, 5);
  const lines = top.map((o, i) => `${i + 1}. ${orderLine(o, ctx.lang, ctx.timeZone)}`).join('\n');
  const ids = top.map((o) => o.order_id);
  if (ctx.orderMemory !== undefined) ctx.orderMemory.shownOrderIds = ids;
  return {
    kind: 'reply',
    text: t(ctx, `找到 ${top.length} 个订单,请问是哪一个?\n${lines}\n回复序号或订单号即可。`, `I found ${top.length} orders. Which one?\n${lines}\nReply with the number or the order number.`),
    slots: { candidates: ids },
  };
}

/** The question for the order step: the user's recent orders as a numbered list when known. */
export async function askForOrder(ctx: FlowContext, slots: Slots, options: ResolveOptions = {}): Promise<{ text: string; slots: Slots }> {
  const all = await ownOrders(ctx);
  const eligible = all.filter((o) => o.order_id !== options.exclude && (options.eligible?.(o) ?? true));
  const list = (eligible.length > 0 ? eligible : all).slice(0, 5);
  if (list.length > 0) {
    const lines = list.map((o, i) => `${i + 1}. ${orderLine(o, ctx.lang, ctx.timeZone)}`).join('\n');
    const ids = list.map((o) => o.order_id);
    if (ctx.orderMemory !== undefined) ctx.orderMemory.shownOrderIds = ids;
    return {
      text: t(ctx, `请问是哪个订单?您最近的订单:\n${lines}\n回复序号或订单号即可。`, `Which order is it? Your recent orders:\n${lines}\nReply with the number or the order number.`),
      slots: Object.assign({}, slots, { candidates: ids }),
    };
  }
  return {
    text: t(ctx, '请提供一下订单号(在"我的订单"里可以看到)。', 'Could you give me the order number? It is under "My orders".'),
    slots,
  };
}

/** "不是这个订单,是上周那个": a different order named or described while one is chosen. */
export async function correctOrder(ctx: FlowContext, slots: Slots, options: ResolveOptions = {}): Promise<Slots | null> {
  const current = slots['order'] as Order | undefined;
  if (current === undefined) return null;
  const corrects = CORRECTION.test(ctx.text);
  // Most later turns name no order at all: no need to fetch the orders for them.
  const mentionsNumber = ctx.nlu.entities.some((e) => e.type === 'order_id' || e.type === 'tracking_no') || turnIdCandidates(ctx.text).some((c) => c.key.length >= 8);
  if (!corrects && !mentionsNumber) return null;
  const ref = await reference(ctx, Object.assign({}, slots, { candidates: undefined }), Object.assign({}, options, { exclude: current.order_id }));
  if ((ref.kind === 'order' && ref.span !== undefined) || ref.kind === 'not_found') {
    // Another order number is a correction when said as one ("不对,是SO…", or the number alone);
    // "where is KF…?" mid-flow is a question about that order, not a change of this one.
    const span = ref.span!;
    const rest = ctx.text.slice(0, span.start) + ctx.text.slice(span.end);
    const bare = rest.replace(/[\s,，.。!！?？:：]|不对|订单号?|order( number)?|是|is|it'?s|no\b/gi, '').length <= 2;
    if (!bare && !corrects) return null;
    // A number that is not theirs: the old choice no longer holds, and the question is asked again.
    return ref.kind === 'order' ? { order: focus(ctx, ref.order) } : { order: undefined, candidates: undefined };
  }
  if (!corrects) return null;
  if (ref.kind === 'order') return { order: focus(ctx, ref.order), candidates: undefined };
  // Said it is the wrong one without saying which (or naming one that is not theirs): ask again,
  // the old choice no longer holds.
  return { order: undefined, candidates: undefined };
}
