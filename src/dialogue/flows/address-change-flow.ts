import type { Order } from '../../contracts/order-connector.ts';
import type { FlowContext, FlowSpec } from '../flow-types.ts';
import { orderSlot } from '../flow-types.ts';
import { writeFailed } from './write-outcome.ts';
import { orderStep } from './order-step.ts';

/** Address change: only before the order ships; the order system has the last word (409). */
const beforeShipping = (o: Order) => o.status === 'pending_payment' || o.status === 'paid';

function notChangeable(order: Order, ctx: FlowContext): string | null {
  if (beforeShipping(order)) return null;
  const zh = ctx.lang === 'zh';
  if (order.status === 'shipped') {
    return zh
      ? `订单 ${order.order_id} 已经发货,无法在系统里修改地址了。您可以联系${order.carrier ?? '快递公司'}(运单号 ${order.tracking_no ?? '见订单详情'})改派,或回复"人工"由客服协助。`
      : `Order ${order.order_id} has already shipped, so the address can no longer be changed here. You can ask ${order.carrier ?? 'the carrier'} to redirect it (tracking ${order.tracking_no ?? 'in the order details'}), or reply "agent" for help.`;
  }
  return zh ? `订单 ${order.order_id} 当前状态无法修改地址。` : `The address of order ${order.order_id} cannot be changed in its current state.`;
}

// An address names a place: administrative or street words, or a house number with a street word.
const ADDRESS = /[省市区县镇乡村路街道巷弄号楼栋室单元幢座小区大厦]|\d+\s*\w+\s+(street|st|road|rd|avenue|ave|lane|ln|blvd|drive|dr|way)\b|\b(apt|suite|unit|floor)\b/i;

// The PII engine hands flows an address as a pseudonym; the original stays in the vault.
const ADDRESS_PSEUDONYM = /\[ADDRESS_\d+\]/;

export function parseAddress(text: string): string | null {
  const pseudonym = ADDRESS_PSEUDONYM.exec(text);
  if (pseudonym !== null) return pseudonym[0];
  const t = text.trim().replace(/^(新地址|地址|改成|改为|改到|换成|new address|address|change it to|to)[\s:：是为]*/i, '').trim();
  if (t.length < 6 || t.length > 200 || !ADDRESS.test(t)) return null;
  return t;
}

export const addressChangeFlow: FlowSpec = {
  name: 'address_change',
  intents: ['address_change'],
  start(ctx) {
    const address = parseAddress(ctx.text.replace(/^.*?(改成|改为|改到|换成|change (it|the address) to)/i, ''));
    return address === null || !/(改成|改为|改到|换成|change (it|the address) to)/i.test(ctx.text) ? {} : { address };
  },
  steps: [
    orderStep({ eligible: beforeShipping, check: (o, ctx) => notChangeable(o, ctx) }),
    {
      id: 'ask_address',
      freeText: true,
      done: (slots) => slots['address'] !== undefined,
      ask: (_slots, ctx) => (ctx.lang === 'zh' ? '请发一下新的收货地址(省市区 + 详细地址)。' : 'Please send the new delivery address (street, city, postcode).'),
      fill(ctx) {
        const address = parseAddress(ctx.text);
        return address === null ? null : { kind: 'filled', slots: { address } };
      },
      correct(ctx, slots) {
        if (slots['address'] === undefined || !/(地址|改成|改为|不对|address|instead)/i.test(ctx.text)) return null;
        const address = parseAddress(ctx.text.replace(/^.*?(改成|改为|应该是|是|to)\s*/i, ''));
        return address === null || address === slots['address'] ? null : { address };
      },
    },
  ],
  finish: {
    kind: 'confirm',
    summary(slots, ctx) {
      const order = orderSlot(slots)!;
      return ctx.lang === 'zh'
        ? `请确认:把订单 ${order.order_id} 的收货地址改为「${String(slots['address'])}」。确认修改吗?(回复"确认"或"取消")`
        : `Please confirm: change the delivery address of order ${order.order_id} to "${String(slots['address'])}". Shall I change it? (reply "yes" or "cancel")`;
    },
    async execute(slots, ctx, key) {
      const order = orderSlot(slots)!;
      try {
        await ctx.orders.changeAddress(order.order_id, ctx.reveal(String(slots['address'])), key, ctx.signal ? { signal: ctx.signal } : {});
        return ctx.lang === 'zh' ? `已将订单 ${order.order_id} 的收货地址修改为「${String(slots['address'])}」。` : `The delivery address of order ${order.order_id} is now "${String(slots['address'])}".`;
      } catch (err) {
        return writeFailed(err, ctx, { zh: '地址修改', en: 'address change' }, key);
      }
    },
  },
};
