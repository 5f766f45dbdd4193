import type { NluResult } from '../contracts/nlu.ts';

/**
 * Whether a message asks Kefu to act on the customer's own order ("我要退货", "where is my
 * parcel") rather than asking about policy ("退货运费谁出?", "how long does shipping take"):
 * the first starts a flow, the second is a knowledge question.
 */
const POLICY = /一般|通常|政策|规则|规定|多久|几天|多少天|怎么(查|看|申请|操作|开|弄)|如何|流程|运费|邮费|谁出|什么条件|能退吗|支持.*吗|\bhow long\b|usually|policy|\bhow (do|can|to)\b|what is|what's the|process|\bfees?\b|who pays|conditions/i;
/** Asking about a possibility or a procedure, not asking for it to be done. */
const ASKS_ABOUT = /吗|怎么|如何|哪些|什么|多久|一般|通常|(?<![前这])几天(?!前)|多少天|能不能|可不可以|是否|流程|政策|规则|\busually\b|\btypically\b|\bcan (i|you)\b|\bhow\b|\bwhat\b|\bwhich\b|\bwhen\b|\bis it\b|\bdo(es)? (you|it)\b|\bpolicy\b/i;
/** "麻烦问下", "请问": a polite way to ask a question, not a request to act. */
const POLITE_ASK = /麻烦(?:你|您)?问(?:一)?下|请问/g;
const STRONG = /我要|我想|想要|帮我|给我|麻烦你?|请帮|\bi want\b|\bi'?d like\b|\bi need\b|help me|please\b/i;
const PERSONAL = /我的|我买的|我下的|下的单|这个订单|这单|订单号|到哪|到了吗|还没|怎么还|什么时候(发货|到|能到)|发货了[吗没]|\bmy (order|package|parcel|stuff|item|delivery|purchase)s?\b|where('s| is| are) my|\bi (bought|ordered)\b|hasn'?t (arrived|shipped|come)|not (arrived|received|shipped)|has it shipped|did it ship/i;

const ORDER_QUESTION = new Set(['order_status', 'logistics']);

/**
 * Wanting to send one's own purchase back ("前几天买的东西想退", "鞋子码数不对想换小一码", "I need
 * to return an item"): the way customers open a return, with no "帮我" or "我要" in it.
 */
const WANTS_BACK = /想退|想换|要退|要换|得退|得换|退掉|退回去|换小|换大|换[一个件双条]{1,2}|换成|换码|换尺码|换颜色|\b(?:need|want|wanna|would like|'d like|have) to (?:return|exchange|refund|send (?:it|this|them) back|swap)\b|\b(?:return|exchange|send back|swap) (?:an?|my|this|the|these|those|it|them)\b/i;
/** Asking how returns work, not for one: "想退货的话运费谁出?", "how do I return an item?". */
const PROCEDURE = /怎么|如何|流程|政策|规则|多久|(?<![前这])几天(?!前)|运费|邮费|谁出|什么条件|\bhow\b|\bpolicy\b|what is|who pays/i;
/** "can you help?", "能帮我吗": asking for help with the request, not asking whether it is possible. */
const HELP_PLEASE = /\b(?:can|could|would) you (?:please )?help(?: me)?(?: with (?:it|this|that))?\b|[能可]以?帮(?:我|忙)?(?:一下|处理一下)?吗/gi;

/** "退货", "申请退款", "cancel order": a bare command names the task and nothing else. */
const bareCommand = (text: string): boolean => {
  const t = text.replace(/[\s\p{P}]/gu, '');
  return /\p{Script=Han}/u.test(t) ? t.length <= 4 : text.trim().split(/\s+/).length <= 2;
};

/** Asking how something works ("how often do I need to replace the filter?", "退货流程是啥"). */
export function asksAboutProcedure(text: string): boolean {
  return PROCEDURE.test(text.replace(HELP_PLEASE, ' '));
}

export function wantsAction(nlu: NluResult, text: string): boolean {
  const named = nlu.entities.some((e) => e.type === 'order_id' || e.type === 'tracking_no');
  if (named) return true;
  const strong = STRONG.test(text.replace(POLITE_ASK, ' '));
  if (ORDER_QUESTION.has(nlu.intent)) {
    // "我的快递到哪了" is a question about one's own parcel: the flow answers it.
    if (POLICY.test(text) && !strong) return false;
    // "查订单", "查快递": a bare command names the task; the flow asks which order.
    return PERSONAL.test(text) || strong || bareCommand(text) || nlu.entities.some((e) => e.type === 'date');
  }
  // Returns, refunds, address changes, cancellations, invoices: a flow only when asked for
  // ("我要退货", "please cancel my order"), not when asked about ("如何申请退货?", "发票抬头写错了可以修改吗?").
  if (bareCommand(text)) return true;
  const request = text.replace(HELP_PLEASE, ' ');
  if (WANTS_BACK.test(request) && !PROCEDURE.test(request)) return true;
  return strong && !ASKS_ABOUT.test(request);
}

/** Asking to know, not to act: "我想问一下", "I'd like to know". */
const WANTS_TO_KNOW = /我想(?:问|了解|知道|咨询)|\bi(?:'d| would)? (?:like|want) to know\b/gi;
/** The customer's own purchase: "我的", "this order", "my bike". */
const OWN = /我的|我买的|我下的|我刚买|这单|这个订单|\bmy\b|\bmine\b|\bthis (?:order|item|one)\b/i;

/**
 * Whether a message asks Kefu to do something about the customer's own purchase ("我要退货",
 * "where is my parcel", "退款", "滤网想退掉"), whatever its intent; a question without any of that ("can I
 * swap the bike if it breaks?", "超时怎么收费?") is one the shop's knowledge base may answer.
 */
export function asksToAct(text: string): boolean {
  const request = text.replace(POLITE_ASK, ' ').replace(HELP_PLEASE, ' ').replace(WANTS_TO_KNOW, ' ');
  const sendsBack = WANTS_BACK.test(request) && !PROCEDURE.test(request) && !ASKS_ABOUT.test(request);
  return bareCommand(text) || PERSONAL.test(text) || OWN.test(text) || STRONG.test(request) || sendsBack;
}

const SENSITIVE = /律师|起诉|法院|诉讼|仲裁|消协|(?<!\d)(?:12315|315)(?!\d)|工商局|市场监管|曝光|媒体|报警|警察|起火|着火|冒烟|爆炸|触电|漏电|烫伤|烧伤|受伤|过敏|中毒|lawyer|attorney|\bsue\b|lawsuit|court|legal action|regulator|trading standards|\bpress\b|journalist|police|\bfire\b|caught fire|\bsmok(e|ing)\b|explod|electric shock|shocked me|injur|\bburn(ed|t|s)?\b|allergic|poison/i;

/** Legal threats and safety incidents go to a person, whatever the intent. */
export function isSensitive(text: string): boolean {
  return SENSITIVE.test(text);
}
