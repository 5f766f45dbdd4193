import type { Order } from '../../contracts/order-connector.ts';
import { isKefuError } from '../../errors.ts';
import type { FlowContext } from '../flow-types.ts';
import { checkAction, reasonFromCode, type AfterSalesAction } from '../policy/eligibility.ts';
import { refusalText } from '../policy/refusal-text.ts';
import type { ShopPolicy } from '../policy/shop-policy.ts';

/**
 * What a flow says when the order system refuses or fails a confirmed write. A refusal (409) is
 * worded by Kefu in the customer's language, from the refusal's reason code or, when the code is
 * unknown (another order system, a bare `{error: "..."}`), from a fresh look at the order under
 * the shop policy; the order system's own text is never shown. An outage becomes a ticket so a
 * person finishes the job.
 */
const WHAT: Record<AfterSalesAction, { zh: string; en: string }> = {
  refund: { zh: '退换货申请', en: 'return request' },
  exchange: { zh: '换货申请', en: 'exchange request' },
  cancel: { zh: '取消订单', en: 'cancellation' },
  address_change: { zh: '地址修改', en: 'address change' },
};

const pick = (ctx: FlowContext, zh: string, en: string): string => (ctx.lang === 'en' ? en : zh);

const reasonOf = (err: unknown): string | undefined => {
  const r = (err as { reason?: unknown }).reason;
  return typeof r === 'string' ? r : undefined;
};

async function freshOrder(ctx: FlowContext, order: Order): Promise<Order> {
  try {
    return (await ctx.orders.getOrder(order.order_id, ctx.signal ? { signal: ctx.signal } : {})) ?? order;
  } catch {
    return order;
  }
}

export interface WriteFailure {
  action: AfterSalesAction;
  order: Order;
  policy: ShopPolicy;
  idempotencyKey: string;
}

export async function writeFailed(err: unknown, ctx: FlowContext, failure: WriteFailure): Promise<string> {
  const { action, policy } = failure;
  const what = WHAT[action];
  if (isKefuError(err) && err.code === 'order_not_found') {
    return pick(ctx, `抱歉,${what.zh}没有成功:订单系统里找不到订单 ${failure.order.order_id},请核对订单号。`, `Sorry, the ${what.en} did not go through: the order system has no order ${failure.order.order_id}. Please check the number.`);
  }
  if (isKefuError(err) && err.code === 'order_not_eligible') {
    const order = await freshOrder(ctx, failure.order);
    const known = reasonFromCode(reasonOf(err));
    const refusal = known !== null ? { action, reason: known, order } : checkAction(action, order, policy, ctx.now);
    const why = refusal !== null ? refusalText(refusal, ctx, policy) : pick(ctx, `订单系统没有接受这次${what.zh},这个订单目前不符合办理条件。如需帮助,可以联系人工客服。`, `The order system did not accept the ${what.en}: this order does not qualify for it at the moment. A colleague from customer service can help if you need.`);
    return pick(ctx, `抱歉,${what.zh}没有成功。`, `Sorry, the ${what.en} did not go through. `) + why;
  }
  await ctx.requestTicket({ kind: 'failed_action', summary: `${what.en} failed: ${isKefuError(err) ? err.code : 'error'}`, idempotencyKey: `${failure.idempotencyKey}:failed` });
  return pick(ctx, `抱歉,订单系统暂时无法处理${what.zh}。我已为您登记工单,同事会尽快处理并联系您,无需重复提交。`, `Sorry, the order system could not take the ${what.en} right now. I've opened a ticket so a colleague completes it and gets back to you; no need to ask again.`);
}
