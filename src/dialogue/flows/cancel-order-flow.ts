import type { Order } from '../../contracts/order-connector.ts';
import type { FlowContext, FlowSpec } from '../flow-types.ts';
import { orderSlot } from '../flow-types.ts';
import { itemsText } from '../order-text.ts';
import { writeFailed } from './write-outcome.ts';
import { orderStep } from './order-step.ts';

const cancellable = (o: Order) => o.status === 'pending_payment' || o.status === 'paid';

function notCancellable(order: Order, ctx: FlowContext): string | null {
  if (cancellable(order)) return null;
  const zh = ctx.lang === 'zh';
  switch (order.status) {
    case 'shipped':
      return zh ? `订单 ${order.order_id} 已经发货,无法取消了。您可以在派送时拒收,拒收后自动退款;或签收后申请退货。` : `Order ${order.order_id} has already shipped and can no longer be cancelled. You can refuse the delivery (refunded automatically) or return it once delivered.`;
    case 'delivered':
      return zh ? `订单 ${order.order_id} 已经签收,无法取消;如需退货可以回复"退货"。` : `Order ${order.order_id} is already delivered and cannot be cancelled; say "return" to send it back.`;
    default:
      return zh ? `订单 ${order.order_id} 已经是「${order.status === 'cancelled' ? '已取消' : '已退货'}」状态,无需再取消。` : `Order ${order.order_id} is already ${order.status}.`;
  }
}

export const cancelOrderFlow: FlowSpec = {
  name: 'cancel_order',
  intents: ['cancel_order'],
  start: () => ({}),
  steps: [orderStep({ eligible: cancellable, check: (o, ctx) => notCancellable(o, ctx) })],
  finish: {
    kind: 'confirm',
    summary(slots, ctx) {
      const order = orderSlot(slots)!;
      return ctx.lang === 'zh'
        ? `请确认:取消订单 ${order.order_id}(${itemsText(order, 'zh')})。${order.status === 'paid' ? '已付款项将原路退回。' : ''}确认取消吗?(回复"确认"或"不取消")`
        : `Please confirm: cancel order ${order.order_id} (${itemsText(order, 'en')}).${order.status === 'paid' ? ' The payment goes back to the original method.' : ''} Cancel it? (reply "yes" or "no")`;
    },
    async execute(slots, ctx, key) {
      const order = orderSlot(slots)!;
      try {
        await ctx.orders.cancelOrder(order.order_id, key, ctx.signal ? { signal: ctx.signal } : {});
        return ctx.lang === 'zh' ? `订单 ${order.order_id} 已取消。${order.status === 'paid' ? '款项将原路退回。' : ''}` : `Order ${order.order_id} is cancelled.${order.status === 'paid' ? ' The payment goes back to the original method.' : ''}`;
      } catch (err) {
        return writeFailed(err, ctx, { zh: '取消订单', en: 'cancellation' }, key);
      }
    },
  },
};
