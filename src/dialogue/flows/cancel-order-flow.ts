import type { FlowContext, FlowSpec } from '../flow-types.ts';
import { orderSlot } from '../flow-types.ts';
import { itemsText } from '../order-text.ts';
import type { ShopPolicy } from '../policy/shop-policy.ts';
import { policyOrderStep } from './policy-order-step.ts';
import { writeFailed } from './write-outcome.ts';

const pick = (ctx: FlowContext, zh: string, en: string) => (ctx.lang === 'en' ? en : zh);

/** Cancel: only in the statuses the shop policy allows, checked as soon as the order is known. */
export function createCancelOrderFlow(policy: ShopPolicy): FlowSpec {
  return {
    name: 'cancel_order',
    intents: ['cancel_order'],
    start: () => ({}),
    steps: [
      policyOrderStep('cancel', policy),
    ],
    finish: {
      kind: 'confirm',
      summary(slots, ctx) {
        const order = orderSlot(slots)!;
        return pick(
          ctx,
          `请确认:取消订单 ${order.order_id}(${itemsText(order, 'zh')})。${order.status === 'paid' ? '已付款项将原路退回。' : ''}确认取消吗?(回复"确认"或"不取消")`,
          `Please confirm: cancel order ${order.order_id} (${itemsText(order, 'en')}).${order.status === 'paid' ? ' The payment goes back to the original method.' : ''} Cancel it? (reply "yes" or "no")`,
        );
      },
      async execute(slots, ctx, key) {
        const order = orderSlot(slots)!;
        try {
          await ctx.orders.cancelOrder(order.order_id, key, ctx.signal ? { signal: ctx.signal } : {});
          return pick(ctx, `订单 ${order.order_id} 已取消。${order.status === 'paid' ? '款项将原路退回。' : ''}`, `Order ${order.order_id} is cancelled.${order.status === 'paid' ? ' The payment goes back to the original method.' : ''}`);
        } catch (err) {
          return writeFailed(err, ctx, { action: 'cancel', order, policy, idempotencyKey: key });
        }
      },
    },
  };
}
