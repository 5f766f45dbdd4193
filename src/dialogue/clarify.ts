import type { Entity, NluResult } from '../contracts/nlu.ts';
import type { Intent } from '../contracts/reply-part.ts';
import { parseOrdinal } from './confirmation.ts';
import type { Lang } from './flow-types.ts';

/**
 * Clarifying instead of guessing: a message whose best reading is uncertain is answered with the
 * two or three likeliest readings as quick replies ("您是想: 退货 / 换货?"). A tap (or "第二个",
 * or the label typed) acts on the original message with the chosen reading; a second unclear
 * message after a clarification goes to a person.
 */
export interface PendingClarification {
  /** The message that was unclear, PII-masked, in Simplified script. */
  text: string;
  entities: Entity[];
  options: Intent[];
}

/** Each label also reads as a request on its own, so a tap in a later turn still does the right thing. */
const LABELS: Partial<Record<Intent, Record<Lang, string>>> = {
  order_status: { zh: '查订单状态', en: 'Check my order' },
  logistics: { zh: '查物流进度', en: 'Track my delivery' },
  return: { zh: '退货', en: 'Return an item' },
  refund: { zh: '退款', en: 'Get a refund' },
  exchange: { zh: '换货', en: 'Exchange an item' },
  address_change: { zh: '修改收货地址', en: 'Change the delivery address' },
  cancel_order: { zh: '取消订单', en: 'Cancel an order' },
  invoice: { zh: '开发票', en: 'Get an invoice' },
  price_coupon: { zh: '价格和优惠券', en: 'Prices and coupons' },
  product_question: { zh: '商品咨询', en: 'A product question' },
  payment_problem: { zh: '支付问题', en: 'A payment problem' },
  complaint: { zh: '投诉', en: 'Make a complaint' },
  human_agent: { zh: '转人工客服', en: 'Talk to a person' },
};

/** The quick reply that offers a person, wherever Kefu could not help. */
export const personLabel = (lang: Lang): string => LABELS.human_agent![lang];

export function intentLabel(intent: Intent, lang: Lang): string | null {
  return LABELS[intent]?.[lang] ?? null;
}

/** A reading below this probability, or below this share of the best one, is not worth a button. */
const MIN_OPTION = 0.05;
const MIN_SHARE_OF_BEST = 0.3;
/**
 * Text the classifier knows nothing about spreads its probability thinly over every intent
 * (1/17 each): offering such readings would be guessing in public. The best offered reading must
 * stand out and the offered ones together hold a real share.
 */
const MIN_BEST_OPTION = 0.12;
const MIN_OFFERED_TOTAL = 0.3;

/**
 * The readings to offer when the message is unclear (its confidence below `threshold`, at least
 * two readings that Kefu would act on differently); null when it is clear enough, or when nothing
 * fits well enough to offer (gibberish goes to the knowledge base, whose miss is counted as today).
 * `actionOf` names what Kefu does for an intent: readings with the same action ("查订单" and "查物流"
 * both run the order-status flow) are one reading, and their probabilities add up.
 */
export function clarifyOptions(nlu: NluResult, threshold: number, actionOf: (intent: Intent) => string = (i) => i): Intent[] | null {
  if (nlu.confidence >= threshold) return null;
  if (nlu.entities.some((e) => e.type === 'order_id' || e.type === 'tracking_no')) return null;
  const readings = new Map<string, { intent: Intent; confidence: number }>();
  for (const c of nlu.candidates ?? []) {
    const action = actionOf(c.intent);
    const seen = readings.get(action);
    if (seen === undefined) readings.set(action, { intent: c.intent, confidence: c.confidence });
    else seen.confidence += c.confidence;
  }
  const ranked = [...readings.values()].sort((a, b) => b.confidence - a.confidence);
  if ((ranked[0]?.confidence ?? 0) >= threshold) return null;
  const best = ranked[0]?.confidence ?? 0;
  const offered = ranked.filter((r) => LABELS[r.intent] !== undefined && r.confidence >= MIN_OPTION && r.confidence >= best * MIN_SHARE_OF_BEST).slice(0, 3);
  if (offered.length < 2 || offered[0]!.confidence < MIN_BEST_OPTION) return null;
  if (offered.reduce((sum, r) => sum + r.confidence, 0) < MIN_OFFERED_TOTAL) return null;
  return offered.map((r) => r.intent);
}

/** How a clarifying question starts, so reports can tell it from a refusal. */
export const CLARIFY_LEAD: Readonly<Record<Lang, string>> = { zh: '我想确认一下,您是想办理哪一项?', en: 'Just to be sure I help with the right thing, do you mean: ' };

export function clarifyQuestion(options: readonly Intent[], lang: Lang): string {
  const labels = options.map((o, i) => `${i + 1}. ${intentLabel(o, lang)}`);
  return lang === 'zh'
    ? `${CLARIFY_LEAD.zh}${labels.join(' ')}。请点选一项,或换个说法告诉我。`
    : `${CLARIFY_LEAD.en}${labels.join(', ')}? Tap one, or tell me in other words.`;
}

export function clarifyLabels(options: readonly Intent[], lang: Lang): string[] {
  return options.map((o) => intentLabel(o, lang)!);
}

const squash = (s: string) => s.toLowerCase().replace(/[\s\p{P}]/gu, '');

/** The reading the customer chose: a label in either language, or its number; null otherwise. */
export function pickedOption(text: string, pending: PendingClarification): Intent | null {
  const said = squash(text);
  const byLabel = pending.options.find((o) => [LABELS[o]?.zh, LABELS[o]?.en].some((l) => l !== undefined && squash(l) === said));
  if (byLabel !== undefined) return byLabel;
  const n = parseOrdinal(text);
  return n !== null && n >= 1 && n <= pending.options.length ? pending.options[n - 1]! : null;
}
