import type { Emotion, Intent } from '../contracts/reply-part.ts';

/**
 * A lexicon-based NLU that works with no model (KEFU_LLM=none). The full NLU with entities,
 * time expressions and an evaluation set is its own issue; this one gives the pipeline an intent
 * and an emotion for every message so routing, metrics and handoff have something real to use.
 */
export interface NluResult {
  intent: Intent;
  emotion: Emotion;
  lang: 'zh' | 'en';
}

// Order matters: the first intent whose lexicon matches wins, so specific before general.
const LEXICON: [Intent, RegExp][] = [
  ['human_agent', /人工|真人|转接|客服经理|human|real person|\bagent\b|representative|operator/i],
  ['complaint', /投诉|举报|差评|太差|垃圾|骗子|complain|complaint|terrible service|scam/i],
  ['address_change', /改地址|修改地址|地址.*(改|换|错)|收货地址|change (my |the )?(shipping |delivery )?address|wrong address/i],
  ['cancel_order', /取消订单|不想要了|取消.*单|撤销订单|cancel (my |the |this )?order/i],
  ['exchange', /换货|换一个|换个|调换|exchange|swap/i],
  ['refund', /退款|退钱|钱.*退|refund|money back/i],
  ['return', /退货|退回|无理由|寄回|\breturns?\b|send (it )?back/i],
  ['invoice', /发票|开票|抬头|税号|invoice|receipt|\bvat\b|fapiao/i],
  ['payment_problem', /支付|付款|付不了|扣款|扣了两次|花呗|微信支付|支付宝|银行卡|payment|pay\b|charged|card declined|alipay|wechat pay/i],
  ['logistics', /物流|快递|运单|顺丰|中通|京东物流|配送|运费|包邮|几天到|多久到|送到|tracking|courier|carrier|shipping|delivery|deliver|ship\b|freight/i],
  ['order_status', /订单|发货|下单|下的单|order|shipped|dispatch/i],
  ['price_coupon', /优惠|优惠券|券|折扣|降价|价保|便宜|价格|会员|积分|coupon|discount|promo|price|cheaper|points|membership|member/i],
  ['product_question', /安装|怎么用|使用|说明书|保修|质保|维修|型号|规格|尺寸|功率|install|warranty|repair|manual|how (do|to) (i )?use|spec|model number/i],
  ['goodbye', /再见|拜拜|谢谢|多谢|感谢|没事了|thanks|thank you|\bbye\b|goodbye|that'?s all/i],
  ['greeting', /^(你好|您好|嗨|哈喽|在吗|在不在|hi|hello|hey|good (morning|afternoon|evening))[\s!！。.,，?？]*$/i],
  ['chitchat', /天气|你是谁|你叫什么|讲个笑话|机器人|who are you|your name|joke|weather|are you a bot/i],
];

const ANGRY = /气死|愤怒|太过分|垃圾|混蛋|什么破|搞什么|骗子|滚|投诉你们|angry|furious|ridiculous|unacceptable|scam|wtf|worst/i;
const DISSATISFIED = /不满意|失望|太慢|怎么还没|还没|一直没|差劲|不行|disappointed|too slow|still (not|haven'?t)|not happy|poor/i;
const ANXIOUS = /着急|急用|急|担心|快点|尽快|马上|怎么办|urgent|asap|worried|hurry|quickly|as soon as/i;
const SATISFIED = /谢谢|太好了|满意|好评|赞|棒|解决了|thanks|thank you|great|perfect|awesome|solved/i;

export function detectLang(text: string): 'zh' | 'en' {
  return /\p{Script=Han}/u.test(text) ? 'zh' : 'en';
}

export function classifyIntent(text: string): Intent {
  const t = text.trim();
  for (const [intent, re] of LEXICON) if (re.test(t)) return intent;
  return 'other';
}

export function detectEmotion(text: string, previous?: Emotion): Emotion {
  const bangs = (text.match(/[!！]/g) ?? []).length;
  const questions = (text.match(/[?？]{2,}/g) ?? []).length;
  const repeated = /(.)\1{3,}/u.test(text) ? 1 : 0;
  const boost = Math.min(0.3, bangs * 0.08 + questions * 0.1 + repeated * 0.1);
  let emotion: Emotion;
  if (ANGRY.test(text)) emotion = { label: 'angry', intensity: 0.7 + boost };
  else if (DISSATISFIED.test(text)) emotion = { label: 'dissatisfied', intensity: 0.5 + boost };
  else if (ANXIOUS.test(text)) emotion = { label: 'anxious', intensity: 0.5 + boost };
  else if (SATISFIED.test(text)) emotion = { label: 'satisfied', intensity: 0.6 };
  else if (boost >= 0.2) emotion = { label: 'dissatisfied', intensity: 0.3 + boost };
  else emotion = { label: 'neutral', intensity: 0 };
  // Frustration carries over: a second negative turn in a row is stronger than the first.
  if (previous !== undefined && emotion.label === previous.label && emotion.label !== 'neutral' && emotion.label !== 'satisfied') {
    emotion.intensity += 0.15;
  }
  emotion.intensity = Math.round(Math.min(1, emotion.intensity) * 100) / 100;
  return emotion;
}

export function understand(text: string, previous?: Emotion): NluResult {
  return { intent: classifyIntent(text), emotion: detectEmotion(text, previous), lang: detectLang(text) };
}
