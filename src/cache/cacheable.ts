/** What the pipeline knows about a reply when it decides whether to store it. */
export interface ReplyCacheMeta {
  intent?: string;
  /** A dialogue flow ran (or is waiting): the reply depends on the conversation. */
  flow?: unknown;
  handoff?: boolean;
  /** No confident passage: the "not found" reply. */
  unanswered?: boolean;
  /** The output guard replaced some text, or generation fell back. */
  guardReplaced?: boolean;
  /** The input guard acted. */
  inputGuard?: unknown;
  /** Cited sources; an answer without any is not a knowledge answer. */
  sources?: readonly unknown[];
}

/** Intents whose answer is about one customer's own order or needs a person. */
const PERSONAL_INTENTS = new Set(['order_status', 'complaint', 'human_agent', 'address_change', 'cancel_order']);

/** Order numbers (KF20261124001), tracking numbers (SF1234567890), long digit runs (phones, ids). */
const IDENTIFIERS = /(?:\b[a-z]{1,4}\d{6,}\b|\d{6,}|(?<![\p{L}])[a-z]{1,4}\d{6,})/iu;
/** PII placeholders and pseudonyms: [手机号], [PHONE_1], [订单号], ... */
const PLACEHOLDER = /\[[^\]\s]{1,16}\]/u;
const EMAIL = /[\w.+-]+@[\w-]+\.[\w.]+/u;
const ZH_PERSONAL = /我的(?:订单|快递|包裹|货|单子|退款|退货|换货|发票|积分|优惠券|售后|申请)|我(?:昨天|前天|今天|刚才|刚刚|上周|上个月|早上|晚上)?(?:买|下单|下的单|下了|付|退|申请|寄)的?|我这单|这(?:个|笔)?(?:订单|单)|(?:昨天|前天|今天|刚才|刚刚|上周|上个月|早上|晚上|\d+(?:月|号|日))(?:下的单|下单|买的|付的|申请的|寄的|寄出)|帮我(?:查|看|改|取消|退)|给我(?:查|看|改|取消|退)/u;
const EN_PERSONAL = /\b(?:my|our) (?:order|package|parcel|delivery|refund|return|item|purchase|invoice)s?\b|\bi (?:ordered|bought|paid|purchased|placed|returned|sent)\b|\b(?:yesterday|last (?:week|month|night)|this morning)\b|\bcheck (?:on )?(?:it|this)\b/i;
/** "How do I track my order?" asks how, not where one's own order is. */
const EN_HOW_TO = /^\s*(?:how (?:do|can|should) i|how to|can i|what happens|when is|when will)\b/i;

/** Order-specific or personal: the answer depends on who asks, so it is never cached or served. */
export function isPersonalQuestion(question: string): boolean {
  const q = question.normalize('NFKC');
  if (IDENTIFIERS.test(q) || PLACEHOLDER.test(q) || EMAIL.test(q)) return true;
  if (ZH_PERSONAL.test(q)) return true;
  const m = EN_PERSONAL.exec(q);
  if (m !== null && !(EN_HOW_TO.test(q) && !/\b(?:yesterday|last|this morning|i (?:ordered|bought|paid|placed))\b/i.test(q))) return true;
  return false;
}

/**
 * May this question and its reply be cached (and may this question be served from the cache, with
 * `meta` omitted)? Never: personal or order-specific questions, flows, handoffs, unanswered
 * replies, replies the guards touched, replies without sources.
 */
export function isCacheable(question: string, meta?: ReplyCacheMeta): boolean {
  if (question.trim().length === 0 || isPersonalQuestion(question)) return false;
  if (meta === undefined) return true;
  if (meta.intent !== undefined && PERSONAL_INTENTS.has(meta.intent)) return false;
  if (meta.flow !== undefined && meta.flow !== null) return false;
  if (meta.handoff === true || meta.unanswered === true || meta.guardReplaced === true) return false;
  if (meta.inputGuard !== undefined && meta.inputGuard !== null) return false;
  if (meta.sources === undefined || meta.sources.length === 0) return false;
  return true;
}
