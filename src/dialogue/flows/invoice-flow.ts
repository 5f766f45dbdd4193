import type { Order } from '../../contracts/order-connector.ts';
import type { FlowContext, FlowSpec } from '../flow-types.ts';
import { orderSlot } from '../flow-types.ts';
import { orderStep } from './order-step.ts';

/**
 * Invoice request: order → personal or company → company title and tax number → confirm → a
 * ticket for the finance team (the order contract has no invoice call; the ticket queue makes
 * sure the request is not lost and is filed once).
 */
const invoiceable = (o: Order) => o.status === 'paid' || o.status === 'shipped' || o.status === 'delivered';

function notInvoiceable(order: Order, ctx: FlowContext): string | null {
  if (invoiceable(order)) return null;
  return ctx.lang === 'zh' ? `订单 ${order.order_id} 当前状态(${order.status === 'pending_payment' ? '未付款' : '已取消或已退货'})不能开具发票。` : `Order ${order.order_id} cannot be invoiced in its current state (${order.status}).`;
}

// A tax number arrives as a pseudonym ([USCC_1]) once the PII engine has seen it.
const TAX_ID = /(\[USCC_\d+\])|\b([0-9A-HJ-NPQRTUWXY]{15}|[0-9A-HJ-NPQRTUWXY]{17}[0-9A-HJ-NPQRTUWXY]|[0-9A-Z]{20})\b/i;

function parseKind(text: string): 'personal' | 'company' | null {
  if (/公司|单位|企业|专票|增值税专用|company|business|corporate|vat/i.test(text)) return 'company';
  if (/个人|自己|本人|personal|individual|myself/i.test(text)) return 'personal';
  return null;
}

export const invoiceFlow: FlowSpec = {
  name: 'invoice',
  intents: ['invoice'],
  start(ctx) {
    const kind = parseKind(ctx.text);
    return kind === null ? {} : { kind };
  },
  steps: [
    orderStep({ eligible: invoiceable, check: (o, ctx) => notInvoiceable(o, ctx) }),
    {
      id: 'invoice_kind',
      done: (s) => s['kind'] !== undefined,
      ask: (_s, ctx) => (ctx.lang === 'zh' ? '请问发票抬头是个人还是公司?' : 'Should the invoice be made out to you personally or to a company?'),
      fill: (ctx) => {
        const kind = parseKind(ctx.text);
        return kind === null ? null : { kind: 'filled', slots: { kind } };
      },
      // "第二个,开公司的": said with the order.
      extract: (ctx) => {
        const kind = parseKind(ctx.text);
        return kind === null ? null : { kind };
      },
    },
    {
      id: 'company_title',
      freeText: true,
      done: (s) => s['kind'] !== 'company' || s['title'] !== undefined,
      ask: (_s, ctx) => (ctx.lang === 'zh' ? '请发一下公司全称和纳税人识别号(税号)。' : "Please send the company's full name and its tax ID."),
      fill(ctx) {
        const tax = TAX_ID.exec(ctx.text);
        const title = ctx.text.replace(TAX_ID, '').replace(/(公司全称|公司名称|公司名|单位名称|单位名|抬头|税号|纳税人识别号|company name|tax id)\s*(是|为)?\s*[:：]?|[,，;；~～!！。]/gi, ' ').replace(/\s+/g, ' ').trim();
        if (tax === null || title.length < 2) return null;
        return { kind: 'filled', slots: { title, taxId: tax[1] ?? tax[2]!.toUpperCase() } };
      },
    },
  ],
  finish: {
    kind: 'confirm',
    summary(slots, ctx) {
      const order = orderSlot(slots)!;
      const company = slots['kind'] === 'company';
      return ctx.lang === 'zh'
        ? `请确认:为订单 ${order.order_id} 开具电子发票,抬头:${company ? `${String(slots['title'])}(税号 ${String(slots['taxId'])})` : '个人'}。确认提交吗?(回复"确认"或"取消")`
        : `Please confirm: an e-invoice for order ${order.order_id}, made out to ${company ? `${String(slots['title'])} (tax ID ${String(slots['taxId'])})` : 'you personally'}. Submit? (reply "yes" or "cancel")`;
    },
    async execute(slots, ctx, key) {
      const order = orderSlot(slots)!;
      // An organisation's tax number is what finance needs to issue the invoice: revealed here,
      // it is a company identifier, not a person's data.
      const to = slots['kind'] === 'company' ? `company ${ctx.reveal(String(slots['title']))}, tax id ${ctx.reveal(String(slots['taxId']))}` : 'personal';
      await ctx.requestTicket({ kind: 'invoice', summary: `Invoice for order ${order.order_id}: ${to}`, idempotencyKey: key });
      return ctx.lang === 'zh'
        ? `开票申请已提交(订单 ${order.order_id})。电子发票开具后会发送到您账户绑定的邮箱,也可以在"我的订单-发票"中下载。`
        : `Your invoice request for order ${order.order_id} is submitted. The e-invoice is sent to your account e-mail once issued, and can be downloaded under "My orders → Invoices".`;
    },
  },
};
