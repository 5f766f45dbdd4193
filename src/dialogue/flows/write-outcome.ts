import { isKefuError } from '../../errors.ts';
import type { FlowContext } from '../flow-types.ts';

/**
 * What a flow says when the order system refuses or fails a confirmed write. A refusal (409) is
 * read back as the order system worded it; an outage becomes a ticket so a person finishes the job.
 */
/** The demo order system's refusal reasons, worded for Chinese replies; others are read as sent. */
const ZH_REASONS: Record<string, string> = {
  not_paid: '订单还未付款',
  not_delivered: '订单还未签收',
  return_window_expired: '已超过签收后 7 天的退货期限',
  exchange_window_expired: '已超过签收后 15 天的换货期限',
  return_open: '这个订单已有一个处理中的退换货申请',
  item_not_in_order: '订单里没有这件商品',
  order_cancelled: '订单已取消',
  already_returned: '订单已经退货',
  already_shipped: '订单已经发货',
  already_cancelled: '订单已经取消',
};

const reasonOf = (err: unknown): string | undefined => {
  const r = (err as { reason?: unknown }).reason;
  return typeof r === 'string' ? r : undefined;
};

export async function writeFailed(err: unknown, ctx: FlowContext, what: { zh: string; en: string }, key: string): Promise<string> {
  if (isKefuError(err) && (err.code === 'order_not_eligible' || err.code === 'order_not_found')) {
    const zh = ZH_REASONS[reasonOf(err) ?? ''] ?? err.message;
    return ctx.lang === 'zh'
      ? `抱歉,${what.zh}没有成功:${zh}。如需帮助可以回复"人工"。`
      : `Sorry, the ${what.en} did not go through: ${err.message}. Reply "agent" if you need a person.`;
  }
  await ctx.requestTicket({ kind: 'failed_action', summary: `${what.en} failed: ${isKefuError(err) ? err.code : 'error'}`, idempotencyKey: `${key}:failed` });
  return ctx.lang === 'zh'
    ? `抱歉,订单系统暂时无法处理${what.zh}。我已为您登记工单,同事会尽快处理并联系您,无需重复提交。`
    : `Sorry, the order system could not take the ${what.en} right now. I've opened a ticket so a colleague completes it and gets back to you; no need to ask again.`;
}
