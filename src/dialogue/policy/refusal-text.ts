import type { FlowContext } from '../flow-types.ts';
import { shortDate, statusText } from '../order-text.ts';
import { checkAction, underWarranty, type AfterSalesAction, type Refusal } from './eligibility.ts';
import type { ShopPolicy } from './shop-policy.ts';

/**
 * Why an order does not allow an action, and what the customer can do instead, in the
 * customer's language. Used both before a flow collects details and when the order system
 * refuses a confirmed write, so the customer never sees the order system's own wording.
 */
type Ctx = Pick<FlowContext, 'lang' | 'timeZone' | 'now'>;

const pick = (ctx: Ctx, zh: string, en: string): string => (ctx.lang === 'en' ? en : zh);

const ACTION: Record<AfterSalesAction, { zh: string; en: string }> = {
  refund: { zh: '退货退款', en: 'a return for a refund' },
  exchange: { zh: '换货', en: 'an exchange' },
  cancel: { zh: '取消订单', en: 'cancellation' },
  address_change: { zh: '修改地址', en: 'an address change' },
};

/** What is still possible once the return windows are closed. */
function afterWindows(refusal: Refusal, ctx: Ctx, policy: ShopPolicy): string {
  const { order } = refusal;
  if (refusal.action === 'refund' && checkAction('exchange', order, policy, ctx.now) === null) {
    return pick(ctx, `不过还在签收后 ${policy.returns.exchangeWindowDays} 天的换货期内,可以为您办理换货。`, ` It is still within the ${policy.returns.exchangeWindowDays}-day exchange period, so an exchange is possible.`);
  }
  if (underWarranty(order, policy, ctx.now)) {
    return pick(
      ctx,
      `如果商品有质量问题,签收后 ${policy.returns.warrantyDays} 天内可以免费保修维修:在"我的订单"中点"申请售后"→"维修"即可。`,
      ` If it has a fault, free repair is available within ${policy.returns.warrantyDays} days of delivery: in "My orders" tap "After-sales" → "Repair".`,
    );
  }
  return pick(ctx, '如有其他问题,可以联系人工客服协助。', ' For anything else, a colleague from customer service can help.');
}

export function refusalText(refusal: Refusal, ctx: Ctx, policy: ShopPolicy): string {
  const { order } = refusal;
  const id = order.order_id;
  const delivered = order.delivered_at === undefined ? '' : shortDate(order.delivered_at, ctx.lang === 'en' ? 'en' : 'zh', ctx.timeZone);
  const carrier = order.carrier;
  switch (refusal.reason) {
    case 'not_paid':
      return pick(ctx, `订单 ${id} 还没有付款,无需退款;不需要的话可以直接取消订单。`, `Order ${id} has not been paid, so there is nothing to refund; you can simply cancel it.`);
    case 'not_shipped_exchange':
      return pick(ctx, `订单 ${id} 还没有发货,不需要换货:您可以取消订单后重新下单,或申请退款。`, `Order ${id} has not shipped yet, so there is nothing to exchange: cancel it and order again, or ask for a refund.`);
    case 'in_transit':
      return pick(ctx, `订单 ${id} 还在运输途中,签收后才能申请退换货;您也可以在快递派送时拒收,拒收后会自动退款。`, `Order ${id} is still in transit. Returns open once it is delivered; you can also refuse the delivery and the refund follows automatically.`);
    case 'refund_window_expired':
      return pick(ctx, `订单 ${id} 于 ${delivered} 签收,已超过签收后 ${policy.returns.refundWindowDays} 天的退货退款期限,无法退货退款。`, `Order ${id} was delivered on ${delivered}, more than ${policy.returns.refundWindowDays} days ago, so the return period for a refund has closed.`) + afterWindows(refusal, ctx, policy);
    case 'exchange_window_expired':
      return pick(ctx, `订单 ${id} 于 ${delivered} 签收,已超过签收后 ${policy.returns.exchangeWindowDays} 天的换货期限,无法换货。`, `Order ${id} was delivered on ${delivered}, more than ${policy.returns.exchangeWindowDays} days ago, so the exchange period has closed.`) + afterWindows(refusal, ctx, policy);
    case 'return_open':
      return pick(ctx, `订单 ${id} 已经有一个处理中的退换货申请,请等待审核结果,审核后会短信通知您。`, `Order ${id} already has a return request in progress; you will get a text once it is reviewed.`);
    case 'item_not_in_order':
      return pick(ctx, `订单 ${id} 里没有这件商品,请核对一下要退换的商品。`, `That item is not in order ${id}; please check which item you mean.`);
    case 'already_shipped':
      return refusal.action === 'cancel'
        ? pick(ctx, `订单 ${id} 已经发货,无法取消了。您可以在派送时拒收,拒收后自动退款;或签收后申请退货。`, `Order ${id} has already shipped and can no longer be cancelled. You can refuse the delivery (refunded automatically) or return it once delivered.`)
        : pick(ctx, `订单 ${id} 已经发货,无法在系统里修改地址了。您可以联系${carrier ?? '快递公司'}(运单号 ${order.tracking_no ?? '见订单详情'})改派。`, `Order ${id} has already shipped, so the address can no longer be changed here. You can ask ${carrier ?? 'the carrier'} to redirect it (tracking ${order.tracking_no ?? 'in the order details'}).`);
    case 'already_delivered':
      return refusal.action === 'cancel'
        ? pick(ctx, `订单 ${id} 已经签收,无法取消;如需退货可以告诉我"退货"。`, `Order ${id} is already delivered and cannot be cancelled; say "return" to send it back.`)
        : pick(ctx, `订单 ${id} 已经签收,无法再修改收货地址。`, `Order ${id} is already delivered, so its address can no longer be changed.`);
    case 'already_cancelled':
      return pick(ctx, `订单 ${id} 已经是「已取消」状态,无需再取消;如已付款,款项会原路退回。`, `Order ${id} is already cancelled; any payment goes back to the original method.`);
    case 'order_cancelled':
      return pick(ctx, `订单 ${id} 已经取消了,无法办理${ACTION[refusal.action].zh};如已付款,款项会原路退回。`, `Order ${id} is cancelled, so ${ACTION[refusal.action].en} is not possible; any payment goes back to the original method.`);
    case 'already_returned':
      // Often asked as "where is my refund": the state is the answer, not a refusal.
      return pick(ctx, `订单 ${id} 已经办理过退货,款项会原路退回到您付款时的账户,无需再次申请。`, `Order ${id} has already been returned; the money goes back to the account you paid with, so there is nothing more to request.`);
    case 'not_allowed':
      return pick(ctx, `订单 ${id} 当前状态(${statusText(order.status, 'zh')})不支持${ACTION[refusal.action].zh}。`, `Order ${id} is ${statusText(order.status, 'en')}, which does not allow ${ACTION[refusal.action].en}.`);
  }
}
