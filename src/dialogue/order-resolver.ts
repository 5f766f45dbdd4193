import type { Order } from '../contracts/order-connector.ts';
import { parseOrdinal } from './confirmation.ts';
import type { FillResult, FlowContext, Slots } from './flow-types.ts';
import { localDate, orderLine } from './order-text.ts';

/**
 * Finds the order a message is about: an order number in it, or the user's own recent orders
 * narrowed by what the message says (a date such as "昨天下的单", a product, "第二个" from the
 * list shown before). Orders of other users are reported as not found, never shown.
 */
const CORRECTION = /不是(这个|这单|那个|那单)|订单(不对|错了)|搞错了?订单|另一个|另外一个|另一单|换成|是上[周个]|是前[天几]|是昨天|not (this|that) (one|order)|wrong order|the other (one|order)|i meant|instead/i;

export interface ResolveOptions {
  /** Orders the user may pick; others are left out of lists. */
  eligible?: (o: Order) => boolean;
  /** An order already chosen, left out when the user says it is the wrong one. */
  exclude?: string;
}

async function ownOrder(ctx: FlowContext, orderId: string): Promise<Order | null> {
  const order = await ctx.orders.getOrder(orderId, ctx.signal ? { signal: ctx.signal } : {});
  if (order === null) return null;
  if (ctx.userId !== null && order.user_id !== ctx.userId) return null;
  return order;
}

function notFound(ctx: FlowContext, id: string): FillResult {
  return {
    kind: 'reply',
    text: ctx.lang === 'zh' ? `没有找到订单 ${id},请核对订单号(在"我的订单"里可以看到)。` : `I couldn't find order ${id}. Please check the number (it is under "My orders").`,
  };
}

function inRange(order: Order, ctx: FlowContext): boolean {
  const dates = ctx.nlu.entities.filter((e) => e.type === 'date');
  if (dates.length === 0) return true;
  const placed = localDate(order.created_at, ctx.timeZone);
  return dates.some((e) => placed >= e.value && placed <= (e.endValue ?? e.value));
}

function mentionsProduct(order: Order, ctx: FlowContext): boolean {
  const products = ctx.nlu.entities.filter((e) => e.type === 'product');
  if (products.length === 0) return true;
  return products.some((p) => order.items.some((i) => i.name.toLowerCase().includes(p.value.toLowerCase()) || p.value.toLowerCase().includes(i.name.toLowerCase())));
}

export async function resolveOrder(ctx: FlowContext, slots: Slots, options: ResolveOptions = {}): Promise<FillResult> {
  const idEntity = ctx.nlu.entities.find((e) => e.type === 'order_id');
  if (idEntity !== undefined) {
    const order = await ownOrder(ctx, idEntity.value);
    return order === null ? notFound(ctx, idEntity.value) : { kind: 'filled', slots: { order } };
  }
  const shown = slots['candidates'] as string[] | undefined;
  const pick = parseOrdinal(ctx.text);
  if (shown !== undefined && pick !== null) {
    const id = shown[pick - 1];
    if (id === undefined) return { kind: 'reply', text: ctx.lang === 'zh' ? `请回复 1 到 ${shown.length} 之间的序号,或直接发订单号。` : `Please reply with a number from 1 to ${shown.length}, or the order number.` };
    const order = await ownOrder(ctx, id);
    if (order !== null) return { kind: 'filled', slots: { order, candidates: undefined } };
  }
  if (ctx.userId === null) return null;
  const hasHint = ctx.nlu.entities.some((e) => e.type === 'date' || e.type === 'product');
  if (!hasHint && shown !== undefined) return null;
  const all = await ctx.orders.listOrders(ctx.userId, ctx.signal ? { signal: ctx.signal } : {});
  const described = all.filter((o) => o.order_id !== options.exclude && inRange(o, ctx) && mentionsProduct(o, ctx));
  // Prefer orders the flow can act on; if none fits, the ineligible one is still the answer (and
  // the flow explains why it cannot act on it).
  const eligible = options.eligible === undefined ? described : described.filter(options.eligible);
  const candidates = eligible.length > 0 ? eligible : described;
  if (candidates.length === 1) return { kind: 'filled', slots: { order: candidates[0], candidates: undefined } };
  if (candidates.length === 0) {
    if (!hasHint) return null;
    return { kind: 'reply', text: ctx.lang === 'zh' ? '没有找到符合描述的订单。请发一下订单号,或说说是哪天下的单、买的什么。' : "I couldn't find an order matching that. Please send the order number, or tell me when you ordered and what." };
  }
  if (!hasHint) return null;
  return listChoice(ctx, candidates);
}

function listChoice(ctx: FlowContext, orders: Order[]): FillResult {
  const top = orders.slice(0, 5);
  const lines = top.map((o, i) => `${i + 1}. ${orderLine(o, ctx.lang, ctx.timeZone)}`).join('\n');
  return {
    kind: 'reply',
    text: ctx.lang === 'zh' ? `找到 ${top.length} 个订单,请问是哪一个?\n${lines}\n回复序号或订单号即可。` : `I found ${top.length} orders. Which one?\n${lines}\nReply with the number or the order number.`,
    slots: { candidates: top.map((o) => o.order_id) },
  };
}

/** The question for the order step: the user's recent orders as a numbered list when known. */
export async function askForOrder(ctx: FlowContext, slots: Slots, options: ResolveOptions = {}): Promise<{ text: string; slots: Slots }> {
  if (ctx.userId !== null) {
    const all = await ctx.orders.listOrders(ctx.userId, ctx.signal ? { signal: ctx.signal } : {});
    const eligible = all.filter((o) => o.order_id !== options.exclude && (options.eligible?.(o) ?? true));
    const list = (eligible.length > 0 ? eligible : all).slice(0, 5);
    if (list.length > 0) {
      const lines = list.map((o, i) => `${i + 1}. ${orderLine(o, ctx.lang, ctx.timeZone)}`).join('\n');
      return {
        text: ctx.lang === 'zh' ? `请问是哪个订单?您最近的订单:\n${lines}\n回复序号或订单号即可。` : `Which order is it? Your recent orders:\n${lines}\nReply with the number or the order number.`,
        slots: { ...slots, candidates: list.map((o) => o.order_id) },
      };
    }
  }
  return {
    text: ctx.lang === 'zh' ? '请提供一下订单号(以 KF 开头,在"我的订单"里可以看到)。' : 'Could you give me the order number? It starts with KF and is under "My orders".',
    slots,
  };
}

/** "不是这个订单,是上周那个": a different order named or described while one is chosen. */
export async function correctOrder(ctx: FlowContext, slots: Slots, options: ResolveOptions = {}): Promise<Slots | null> {
  const current = slots['order'] as Order | undefined;
  if (current === undefined) return null;
  const idEntity = ctx.nlu.entities.find((e) => e.type === 'order_id');
  // Another order number is a correction when said as one ("不对,是KF…", or the number alone);
  // "where is KF…?" mid-flow is a question about that order, not a change of this one.
  const bare = idEntity !== undefined && (ctx.text.slice(0, idEntity.start) + ctx.text.slice(idEntity.end)).replace(/[\s,，.。!！?？:：]|订单号?|order( number)?|是|is|it'?s/gi, '').length <= 2;
  if (idEntity !== undefined && idEntity.value !== current.order_id && (bare || CORRECTION.test(ctx.text))) {
    const order = await ownOrder(ctx, idEntity.value);
    return order === null ? null : { order };
  }
  if (idEntity !== undefined || !CORRECTION.test(ctx.text)) return null;
  const result = await resolveOrder(ctx, { ...slots, candidates: undefined }, { ...options, exclude: current.order_id });
  if (result?.kind === 'filled') return result.slots;
  // Said it is the wrong one without saying which: ask again, the old choice no longer holds.
  return { order: undefined, candidates: undefined };
}
