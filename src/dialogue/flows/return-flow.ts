import type { Order } from '../../contracts/order-connector.ts';
import type { FlowContext, FlowSpec, Slots } from '../flow-types.ts';
import { orderSlot } from '../flow-types.ts';
import { itemsText } from '../order-text.ts';
import { writeFailed } from './write-outcome.ts';
import { orderStep } from './order-step.ts';

/**
 * Return / refund / exchange: order → eligibility → refund or exchange → reason → summary →
 * explicit yes → return created with the flow's idempotency key. Eligibility here is a pre-check
 * by status so customers hear early why an order cannot be returned; the order system's answer
 * to the write (409) is final and read back.
 */
type ReturnType = 'refund' | 'exchange';

const REASONS: { zh: string; en: string; re: RegExp }[] = [
  { zh: '质量问题', en: 'quality problem', re: /质量|坏了|坏的|故障|不工作|不能用|用不了|不好用|毛病|quality|broken|defect|faulty|doesn'?t work|not working|stopped working/i },
  { zh: '商品破损', en: 'arrived damaged', re: /破损|碎了|压坏|摔坏|划痕|damaged|cracked|scratch/i },
  { zh: '发错货', en: 'wrong item sent', re: /发错|错发|不是我买的|少发|漏发|wrong (item|product|size|colou?r)|sent the wrong|missing/i },
  { zh: '与描述不符', en: 'not as described', re: /不符|描述|色差|和图片不一样|假货|not as described|different from|fake/i },
  { zh: '尺寸/规格不合适', en: 'size or spec does not fit', re: /尺寸|太大|太小|大小|不合适|规格|size|too (big|small|large)|doesn'?t fit/i },
  { zh: '不想要了', en: 'changed my mind', re: /不想要|不要了|不喜欢|买多了|多买|买错|用不上|不需要|七天无理由|7天无理由|无理由|changed my mind|don'?t (want|need|like)|no longer need|ordered by mistake|bought too many/i },
];

function parseType(text: string): ReturnType | null {
  const refund = /退款|退钱|仅退款|退货退款|refund|money back/i.test(text);
  const exchange = /换货|换一个|换个|换新|调换|exchange|replace|swap/i.test(text);
  if (refund === exchange) return null;
  return refund ? 'refund' : 'exchange';
}

const typeText = (t: ReturnType, lang: 'zh' | 'en') => (lang === 'zh' ? (t === 'refund' ? '退货退款' : '换货') : t === 'refund' ? 'return for a refund' : 'exchange');

function ineligible(order: Order, ctx: FlowContext, slots: Slots): string | null {
  const zh = ctx.lang === 'zh';
  switch (order.status) {
    case 'delivered':
      return null;
    case 'paid':
      if (slots['type'] === 'exchange') return zh ? `订单 ${order.order_id} 还没有发货,不需要换货:您可以直接取消订单后重新下单,或回复"退款"申请退款。` : `Order ${order.order_id} has not shipped yet, so there is nothing to exchange: cancel it and order again, or say "refund".`;
      return null;
    case 'shipped':
      return zh ? `订单 ${order.order_id} 还在运输途中,签收后才能申请退换货;您也可以在快递派送时拒收,拒收后会自动退款。` : `Order ${order.order_id} is still in transit. Returns open once it is delivered; you can also refuse the delivery and the refund follows automatically.`;
    case 'pending_payment':
      return zh ? `订单 ${order.order_id} 还没有付款,无需退款,不需要的话可以直接取消订单。` : `Order ${order.order_id} has not been paid, so there is nothing to refund; you can simply cancel it.`;
    case 'cancelled':
      return zh ? `订单 ${order.order_id} 已经取消了,如已付款,款项会原路退回。` : `Order ${order.order_id} is already cancelled; any payment goes back to the original method.`;
    case 'returned':
      return zh ? `订单 ${order.order_id} 已经办理过退货了。` : `Order ${order.order_id} has already been returned.`;
  }
}

export const returnFlow: FlowSpec = {
  name: 'return',
  intents: ['return', 'refund', 'exchange'],
  start(ctx) {
    const type = parseType(ctx.text) ?? (ctx.nlu.intent === 'refund' ? 'refund' : ctx.nlu.intent === 'exchange' ? 'exchange' : null);
    const reason = REASONS.find((r) => r.re.test(ctx.text));
    return { ...(type === null ? {} : { type }), ...(reason === undefined ? {} : { reason: ctx.lang === 'zh' ? reason.zh : reason.en }) };
  },
  steps: [
    orderStep({ eligible: (o) => o.status === 'delivered' || o.status === 'paid', check: ineligible }),
    {
      id: 'choose_type',
      done: (slots) => slots['type'] !== undefined || orderSlot(slots)?.status === 'paid',
      ask: (_slots, ctx) => (ctx.lang === 'zh' ? '请问您想退货退款,还是换货?' : 'Would you like to return it for a refund, or exchange it?'),
      fill(ctx) {
        const type = parseType(ctx.text) ?? (/^(退|退货|return)$/i.test(ctx.text.trim()) ? 'refund' : null);
        return type === null ? null : { kind: 'filled', slots: { type } };
      },
      correct(ctx, slots) {
        const type = parseType(ctx.text);
        return type !== null && slots['type'] !== undefined && type !== slots['type'] && /不是|改成|还是|instead|actually|rather/i.test(ctx.text) ? { type } : null;
      },
    },
    {
      id: 'ask_reason',
      freeText: true,
      done: (slots) => slots['reason'] !== undefined,
      ask: (_slots, ctx) => (ctx.lang === 'zh' ? '请问退换的原因是什么?比如:质量问题、商品破损、发错货、尺寸不合适、不想要了。' : 'What is the reason? For example: quality problem, arrived damaged, wrong item, does not fit, changed my mind.'),
      fill(ctx) {
        const known = REASONS.find((r) => r.re.test(ctx.text));
        if (known !== undefined) return { kind: 'filled', slots: { reason: ctx.lang === 'zh' ? known.zh : known.en } };
        const text = ctx.text.trim();
        // Any short statement is a reason in the customer's words; a question is not an answer.
        if (/[?？]$|吗$|呢$|^(how|what|when|where|why|can|do|does|is|are)\b/i.test(text)) return null;
        const units = text.match(/\p{Script=Han}|[a-z]+/giu)?.length ?? 0;
        return units >= 2 && text.length <= 200 ? { kind: 'filled', slots: { reason: text } } : null;
      },
    },
  ],
  finish: {
    kind: 'confirm',
    summary(slots, ctx) {
      const order = orderSlot(slots)!;
      const type = (order.status === 'paid' ? 'refund' : slots['type']) as ReturnType;
      return ctx.lang === 'zh'
        ? `请确认:订单 ${order.order_id}(${itemsText(order, 'zh')}),申请${order.status === 'paid' ? '退款' : typeText(type, 'zh')},原因:${String(slots['reason'])}。${type === 'refund' ? '退款金额以审核结果为准,原路退回。' : ''}确认提交吗?(回复"确认"提交,"取消"放弃)`
        : `Please confirm: order ${order.order_id} (${itemsText(order, 'en')}), ${order.status === 'paid' ? 'refund' : typeText(type, 'en')}, reason: ${String(slots['reason'])}.${type === 'refund' ? ' The refund amount is set when the return is checked and goes back to the original payment method.' : ''} Shall I submit it? (reply "yes" to submit, "cancel" to stop)`;
    },
    async execute(slots, ctx, key) {
      const order = orderSlot(slots)!;
      const type = (order.status === 'paid' ? 'refund' : slots['type']) as ReturnType;
      try {
        const receipt = await ctx.orders.createReturn(order.order_id, { type, reason: String(slots['reason']) }, key, ctx.signal ? { signal: ctx.signal } : {});
        return ctx.lang === 'zh'
          ? `已为您提交${typeText(type, 'zh')}申请,申请单号 ${receipt.return_id}(状态:${receipt.status})。${order.status === 'delivered' ? '审核通过后会短信通知您寄回方式。' : ''}`
          : `Your ${typeText(type, 'en')} request is submitted: return id ${receipt.return_id} (status: ${receipt.status}).${order.status === 'delivered' ? ' You will get a text with how to send it back once it is approved.' : ''}`;
      } catch (err) {
        return writeFailed(err, ctx, { zh: '退换货申请', en: 'return request' }, key);
      }
    },
  },
};
