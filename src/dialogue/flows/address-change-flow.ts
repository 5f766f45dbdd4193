import type { FlowContext, FlowSpec, Slots } from '../flow-types.ts';
import { orderSlot } from '../flow-types.ts';
import type { ShopPolicy } from '../policy/shop-policy.ts';
import { parseAddressParts } from './address-parts.ts';
import { policyOrderStep } from './policy-order-step.ts';
import { writeFailed } from './write-outcome.ts';

/**
 * Address change: only in the statuses the shop policy allows (before shipping), checked before
 * the address is asked for. The address and the recipient's name and phone given with it are kept
 * as the PII engine's pseudonyms; the originals are revealed only for the order system's call.
 */
const pick = (ctx: FlowContext, zh: string, en: string) => (ctx.lang === 'en' ? en : zh);

/** A new address said as one: "改成…", "send it to…", or an address the PII engine found. */
const CHANGE_CUE = /改成|改为|改到|换成|寄到|送到|发到|新地址|change (?:it|the address) to|new address|send (?:it |this |the order )?to|ship (?:it |this |the order )?to|deliver (?:it )?to|\[ADDRESS_\d+\]/i;
const NOT_THIS_ADDRESS = /不是这个?地址|地址(?:不对|错了|写错|填错)|wrong address|not (?:this|that|the right) address/i;

function addressSlots(text: string): Slots | null {
  const parts = parseAddressParts(text);
  if (parts === null) return null;
  // A new address alone keeps the recipient given before.
  return { address: parts.address, ...(parts.recipientName === undefined ? {} : { recipientName: parts.recipientName }), ...(parts.recipientPhone === undefined ? {} : { recipientPhone: parts.recipientPhone }) };
}

const PSEUDONYM = /^\[[A-Z]+_\d+\]$/;

/**
 * A recipient value as replies show it: a pseudonym stays (the customer's own view reveals it,
 * transcripts keep it); a name or number the PII engine left in clear is partly masked, so no
 * reply, transcript or log carries it whole.
 */
export function shownRecipient(value: string): string {
  if (PSEUDONYM.test(value)) return value;
  if (/\d{4}/.test(value)) {
    const digits = value.replace(/\D/g, '').length;
    let seen = 0;
    return value.replace(/\d/g, (d) => (++seen > 3 && seen <= digits - 4 ? '*' : d));
  }
  if (/\p{Script=Han}/u.test(value)) return value[0] + '*'.repeat(Math.max(1, value.length - 1));
  return value.replace(/(\p{L})(\p{L}{0,30})/gu, (_w, first: string, rest: string) => first + '*'.repeat(rest.length));
}

function recipientText(slots: Slots, ctx: FlowContext): string {
  const rawName = slots['recipientName'] as string | undefined;
  const rawPhone = slots['recipientPhone'] as string | undefined;
  const name = rawName === undefined ? undefined : shownRecipient(rawName);
  const phone = rawPhone === undefined ? undefined : shownRecipient(rawPhone);
  if (name === undefined && phone === undefined) return '';
  const who = [name, phone].filter((x) => x !== undefined).join(' ');
  return pick(ctx, `,收货人 ${who}`, `, recipient ${who}`);
}

export function createAddressChangeFlow(policy: ShopPolicy): FlowSpec {
  return {
    name: 'address_change',
    intents: ['address_change'],
    start(ctx) {
      if (!CHANGE_CUE.test(ctx.text)) return {};
      return addressSlots(ctx.text.replace(/^.*?(改成|改为|改到|换成|change (it|the address) to)/i, '')) ?? {};
    },
    steps: [
      policyOrderStep('address_change', policy),
      {
        id: 'ask_address',
        freeText: true,
        done: (slots) => slots['address'] !== undefined,
        ask: (_slots, ctx) => pick(ctx, '请发一下新的收货地址(省市区 + 详细地址),如需更换收货人,也请一并发送姓名和电话。', "Please send the new delivery address (street, city, postcode), with the recipient's name and phone if they change too."),
        fill(ctx) {
          const slots = addressSlots(ctx.text);
          return slots === null ? null : { kind: 'filled', slots };
        },
        extract: (ctx) => (CHANGE_CUE.test(ctx.text) ? addressSlots(ctx.text) : null),
        correct(ctx, slots) {
          if (slots['address'] === undefined) return null;
          const given = /地址|收货人|收件人|电话|手机|改成|改为|换成|应该是|address|recipient|phone|instead/i.test(ctx.text) ? parseAddressParts(ctx.text.replace(/^.*?(改成|改为|换成|应该是|\bto\b)\s*/i, '')) : null;
          if (given !== null) {
            const update: Slots = {};
            if (given.address !== slots['address']) update['address'] = given.address;
            if (given.recipientName !== undefined) update['recipientName'] = given.recipientName;
            if (given.recipientPhone !== undefined) update['recipientPhone'] = given.recipientPhone;
            return Object.keys(update).length === 0 ? null : update;
          }
          // "不是这个地址" without the right one: ask for it again; the recipient still holds.
          return NOT_THIS_ADDRESS.test(ctx.text) ? { address: undefined } : null;
        },
      },
    ],
    finish: {
      kind: 'confirm',
      summary(slots, ctx) {
        const order = orderSlot(slots)!;
        return pick(
          ctx,
          `请确认:把订单 ${order.order_id} 的收货地址改为「${String(slots['address'])}」${recipientText(slots, ctx)}。确认修改吗?(回复"确认"或"取消")`,
          `Please confirm: change the delivery address of order ${order.order_id} to "${String(slots['address'])}"${recipientText(slots, ctx)}. Shall I change it? (reply "yes" or "cancel")`,
        );
      },
      async execute(slots, ctx, key) {
        const order = orderSlot(slots)!;
        const name = slots['recipientName'] as string | undefined;
        const phone = slots['recipientPhone'] as string | undefined;
        try {
          await ctx.orders.changeAddress(
            order.order_id,
            {
              address: ctx.reveal(String(slots['address'])),
              ...(name === undefined ? {} : { recipient_name: ctx.reveal(name) }),
              ...(phone === undefined ? {} : { recipient_phone: ctx.reveal(phone) }),
            },
            key,
            ctx.signal ? { signal: ctx.signal } : {},
          );
          return pick(ctx, `已将订单 ${order.order_id} 的收货地址修改为「${String(slots['address'])}」${recipientText(slots, ctx)}。`, `The delivery address of order ${order.order_id} is now "${String(slots['address'])}"${recipientText(slots, ctx)}.`);
        } catch (err) {
          return writeFailed(err, ctx, { action: 'address_change', order, policy, idempotencyKey: key });
        }
      },
    },
  };
}
