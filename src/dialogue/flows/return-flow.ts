import type { Order } from '../../contracts/order-connector.ts';
import { parseConfirmation } from '../confirmation.ts';
import type { FlowContext, FlowSpec, Slots, StepSpec } from '../flow-types.ts';
import { orderSlot } from '../flow-types.ts';
import { itemsText } from '../order-text.ts';
import { checkAction, checkReturn } from '../policy/eligibility.ts';
import { refusalText } from '../policy/refusal-text.ts';
import type { ShopPolicy } from '../policy/shop-policy.ts';
import { orderStep, type OrderCheck } from './order-step.ts';
import { CHANGED_MIND, classifyReason } from './return-reasons.ts';
import { writeFailed } from './write-outcome.ts';

/**
 * Return / refund / exchange: order → eligibility (shop policy: status, days since delivery) →
 * refund or exchange → reason → summary → explicit yes → return created with the flow's
 * idempotency key. A type or a reason given at any step is kept; the order system's answer to
 * the write is final and worded for the customer.
 */
type ReturnKind = 'refund' | 'exchange';

export function parseReturnType(text: string): ReturnKind | null {
  const refund = /退款|退钱|钱退|退我钱|退全款|仅退款|退货退款|refund|money back/i.test(text);
  // "replace it", "I need a replacement (bracket)", not "the replacement filter one" (naming the order).
  const exchange = /换货|换一个|换个|换新|调换|换[大小]一?[码号]|换尺码|\bexchange|\bswap\b|\breplace (?:it|this|that|them|the item|my|mine)\b|\b(?:a|for a) (?:replacement|new one)\b/i.test(text);
  if (refund === exchange) return null;
  return refund ? 'refund' : 'exchange';
}

const typeText = (t: ReturnKind, ctx: FlowContext) => (ctx.lang === 'en' ? (t === 'refund' ? 'return for a refund' : 'exchange') : t === 'refund' ? '退货退款' : '换货');
const pick = (ctx: FlowContext, zh: string, en: string) => (ctx.lang === 'en' ? en : zh);
const kindOf = (slots: Slots): ReturnKind => (slots['type'] ?? slots['impliedType']) as ReturnKind;
const other = (t: ReturnKind): ReturnKind => (t === 'refund' ? 'exchange' : 'refund');
const reasonSlot = (ctx: FlowContext, text: string): Slots | null => {
  const known = classifyReason(text);
  return known === null ? null : { reason: ctx.lang === 'en' ? known.en : known.zh };
};

/** A reason in the customer's own words: a short statement, never a question or a bare yes/no. */
function freeReason(text: string): string | null {
  const t = text.trim();
  if (/[?？]$|吗$|呢$|^(how|what|when|where|why|can|do|does|is|are)\b/i.test(t)) return null;
  if (parseConfirmation(t) !== null) return null;
  const units = t.match(/\p{Script=Han}|[a-z]+/giu)?.length ?? 0;
  return units >= 2 && t.length <= 200 ? t : null;
}

function eligibility(policy: ShopPolicy) {
  return (order: Order, ctx: FlowContext, slots: Slots): OrderCheck => {
    const asked = (slots['type'] as ReturnKind | undefined) ?? null;
    const refusal = checkReturn(order, asked, policy, ctx.now);
    const refund = checkAction('refund', order, policy, ctx.now);
    const exchange = checkAction('exchange', order, policy, ctx.now);
    if (refusal !== null) {
      // The kind asked for is closed but the other is open (past the refund period, within the
      // exchange one): say so and offer the other instead of ending.
      const alternative = asked === null ? null : checkAction(other(asked), order, policy, ctx.now) === null ? other(asked) : null;
      if (alternative !== null && /window_expired$/.test(refusal.reason)) return { note: `${refusalText(refusal, ctx, policy)}\n`, slots: { type: undefined, onlyType: alternative } };
      return refusalText(refusal, ctx, policy);
    }
    if (asked !== null) return null;
    // Only one kind is possible: a paid order not yet shipped can only be refunded, and that
    // needs no question; a closed window is explained before offering the other kind.
    if (refund === null && exchange !== null) return exchange.reason === 'not_shipped_exchange' ? { note: '', slots: { impliedType: 'refund' } } : { note: '', slots: { onlyType: 'refund' } };
    if (exchange === null && refund !== null) return { note: `${refusalText(refund, ctx, policy)}\n`, slots: { onlyType: 'exchange' } };
    return null;
  };
}

/** Refund or exchange: asked, or offered as the only kind the order allows; a change of kind is checked against the policy. */
function chooseTypeStep(policy: ShopPolicy): StepSpec {
  return {
    id: 'choose_type',
    done: (slots) => slots['type'] !== undefined || slots['impliedType'] !== undefined,
    ask(slots, ctx) {
      const only = slots['onlyType'] as ReturnKind | undefined;
      if (only !== undefined) return pick(ctx, `需要为您办理${typeText(only, ctx)}吗?`, `Shall I arrange ${only === 'refund' ? 'a return for a refund' : 'an exchange'}?`);
      return pick(ctx, '请问您想退货退款,还是换货?', 'Would you like to return it for a refund, or exchange it?');
    },
    fill(ctx, slots) {
      const only = slots['onlyType'] as ReturnKind | undefined;
      const type = parseReturnType(ctx.text) ?? (/^(退|退货|退掉|return( it)?)$/i.test(ctx.text.trim()) ? 'refund' : null);
      if (only !== undefined) {
        if (type === only || (type === null && parseConfirmation(ctx.text) === 'yes')) return { kind: 'filled', slots: { type: only } };
        const refusal = type === null ? null : checkAction(type, orderSlot(slots)!, policy, ctx.now);
        return refusal === null ? null : { kind: 'reply', text: `${refusalText(refusal, ctx, policy)}\n${pick(ctx, `需要为您办理${typeText(only, ctx)}吗?`, `Shall I arrange ${only === 'refund' ? 'a return for a refund' : 'an exchange'}?`)}` };
      }
      return type === null ? null : { kind: 'filled', slots: { type } };
    },
    extract(ctx, slots) {
      const type = parseReturnType(ctx.text);
      const order = orderSlot(slots);
      if (type === null || (order !== undefined && checkAction(type, order, policy, ctx.now) !== null)) return null;
      return { type };
    },
    correct(ctx, slots) {
      const type = parseReturnType(ctx.text);
      if (type === null || slots['type'] === undefined || type === slots['type'] || !/不是|改成|改为|换成|还是|instead|actually|rather|change/i.test(ctx.text)) return null;
      const order = orderSlot(slots);
      const refusal = order === undefined ? null : checkAction(type, order, policy, ctx.now);
      return refusal === null ? { type } : { refused: refusalText(refusal, ctx, policy) };
    },
  };
}

/** The reason: a known category or the customer's own words, and corrections of it. */
function askReasonStep(): StepSpec {
  return {
    id: 'ask_reason',
    freeText: true,
    done: (slots) => slots['reason'] !== undefined,
    ask: (_slots, ctx) => pick(ctx, '请问退换的原因是什么?比如:质量问题、商品破损、发错货、尺寸不合适、不想要了。', 'What is the reason? For example: quality problem, arrived damaged, wrong item, does not fit, changed my mind.'),
    fill(ctx) {
      const known = reasonSlot(ctx, ctx.text);
      if (known !== null) return { kind: 'filled', slots: known };
      const reason = freeReason(ctx.text);
      return reason === null ? null : { kind: 'filled', slots: { reason } };
    },
    extract: (ctx) => reasonSlot(ctx, ctx.text),
    correct(ctx, slots) {
      // "原因改成质量问题", "change the reason to damaged", "原因不对,是噪音太大"; without the word
      // "reason", a correction cue and another reason category ("说错了,其实是质量不行").
      if (slots['reason'] === undefined) return null;
      if (!/原因|理由|reason/i.test(ctx.text)) {
        // "不想要了" said first is a default a specific reason said later replaces ("…颜色和图片差太多").
        const weak = slots['reason'] === CHANGED_MIND.zh || slots['reason'] === CHANGED_MIND.en;
        const other = weak || /说错|其实|搞错|应该是|不是.{1,12}是|actually|i meant|sorry,? it'?s|not .{1,20}but/i.test(ctx.text) ? reasonSlot(ctx, ctx.text) : null;
        return other === null || other['reason'] === slots['reason'] ? null : other;
      }
      const said = ctx.text.replace(/^.*?(?:原因|理由|reason)\s*(?:应该)?(?:改成|改为|换成|写成|是|为|不对[,，]?是?|is|to|should be|:|：)?/i, '').replace(/^.*?\b(?:change|make|set) (?:it |that )?to\b/i, '').trim();
      const known = reasonSlot(ctx, said) ?? reasonSlot(ctx, ctx.text);
      if (known !== null) return known['reason'] === slots['reason'] ? null : known;
      const free = freeReason(said.replace(/^(?:改成|改为|换成|to)\s*/i, ''));
      return free !== null && free.length >= 2 ? { reason: free } : { reason: undefined };
    },
  };
}

export function createReturnFlow(policy: ShopPolicy): FlowSpec {
  return {
    name: 'return',
    intents: ['return', 'refund', 'exchange'],
    start(ctx) {
      const type = parseReturnType(ctx.text) ?? (ctx.nlu.intent === 'refund' ? 'refund' : ctx.nlu.intent === 'exchange' ? 'exchange' : null);
      return Object.assign(type === null ? {} : { type }, reasonSlot(ctx, ctx.text));
    },
    steps: [
      // Listed: orders that allow a return of either kind; the kind asked for is checked once one is picked.
      orderStep({ eligible: (o, ctx) => checkReturn(o, null, policy, ctx.now) === null, check: eligibility(policy), dependents: ['onlyType', 'impliedType'] }),
      chooseTypeStep(policy),
      askReasonStep(),
    ],
    finish: {
      kind: 'confirm',
      summary(slots, ctx) {
        const order = orderSlot(slots)!;
        const type = kindOf(slots);
        const unshipped = order.status === 'paid';
        return pick(
          ctx,
          `请确认:订单 ${order.order_id}(${itemsText(order, 'zh')}),申请${unshipped ? '退款' : typeText(type, ctx)},原因:${String(slots['reason'])}。${type === 'refund' ? '退款金额以审核结果为准,原路退回。' : ''}确认提交吗?(回复"确认"提交,"取消"放弃)`,
          `Please confirm: order ${order.order_id} (${itemsText(order, 'en')}), ${unshipped ? 'refund' : typeText(type, ctx)}, reason: ${String(slots['reason'])}.${type === 'refund' ? ' The refund amount is set when the return is checked and goes back to the original payment method.' : ''} Shall I submit it? (reply "yes" to submit, "cancel" to stop)`,
        );
      },
      async execute(slots, ctx, key) {
        const order = orderSlot(slots)!;
        const type = kindOf(slots);
        try {
          const receipt = await ctx.orders.createReturn(order.order_id, { type, reason: ctx.reveal(String(slots['reason'])) }, key, ctx.signal ? { signal: ctx.signal } : {});
          return pick(
            ctx,
            `已为您提交${typeText(type, ctx)}申请,申请单号 ${receipt.return_id}(状态:${receipt.status})。${order.status === 'delivered' ? '审核通过后会短信通知您寄回方式。' : ''}`,
            `Your ${typeText(type, ctx)} request is submitted: return id ${receipt.return_id} (status: ${receipt.status}).${order.status === 'delivered' ? ' You will get a text with how to send it back once it is approved.' : ''}`,
          );
        } catch (err) {
          return writeFailed(err, ctx, { action: type, order, policy, idempotencyKey: key });
        }
      },
    },
  };
}
