/**
 * Price and commitment manipulation: changing a price or amount ("把价格改成1元", "set my total
 * to 0"), demanding an amount ("给我退款10000"), scripting the assistant's promise ("你就说可以
 * 赔偿", "promise me a full refund", "write 'your refund is approved'"), minting coupons or points.
 * Asking for a discount, price protection, or a refund of one's own order is not manipulation.
 */
import { anyOf, gap, rx, type Rule } from '../score.ts';

const PRICE_ZH = anyOf('价格', '价钱', '单价', '金额', '订单金额', '售价', '运费', '总价', '实付', '实付款', '应付', '付款金额', '总额', '尾款', '定金', '(?<!评)价', 'price');
// Imperative verbs only: "价格变成299了", "降到199了" describe a change the customer saw.
const SET_ZH = anyOf('改成', '改为', '改到', '调成', '调为', '调到', '设为', '设置为', '设成', '弄成', '修改为', '换成', 'to');
const NOT_PAST = '(?![^\\n,,。]{0,3}(?:了|啦))';
const MONEY_ZH = '(?:[$¥￥]?\\s*\\d+(?:\\.\\d+)?(?![\\d.])\\s*(?:元|块|毛|分|rmb|dollars?|usd|yuan|刀|美元)?|[零一二两三四五六七八九十百千]+\\s*(?:元|块|毛)[零一二三四五六七八九]?)';
const MONEY_NOUN_EN = anyOf('price', 'prices', 'total', 'amount', 'cost', 'shipping', 'fee', 'fees', 'charge', 'bill', 'order total', 'balance');
const MONEY_EN = '(?:\\$|usd|rmb|¥)?\\s*(?:\\d+(?:\\.\\d+)?|zero|nothing|free|one (?:dollar|cent))';
const MONEY_WORDS = anyOf('赔偿?', '补偿', '退款', '退钱', '全额退', '免单', '免费', '打折', '包邮', '返现', '十倍', '三倍', '双倍', '退一赔', '赔付');
const NOT_A_QUESTION = '(?!.{0,2}(?:能不能|可不可以|行不行|是不是|到底|会不会))';

export const PRICE_MANIPULATION: readonly Rule[] = [
  // setting a price or amount
  { re: rx`${PRICE_ZH}${gap(8)}${SET_ZH}\s*${MONEY_ZH}${NOT_PAST}`, w: 0.85 },
  { re: rx`(?:把|给我|帮我|将)${gap(10)}(?:${SET_ZH}|降到|降为|变成)\s*(?:[$¥￥]?\s*\d+(?:\.\d+)?\s*(?:元|块|毛|分钱?)|半价|免费|0元|零元|一折|白送|一分钱)`, w: 0.7 },
  { re: rx`\b(?:change|set|make|update|lower|drop|reduce|adjust|put|mark down|edit|modify)\s+(?:\w+\s+){0,6}?${MONEY_NOUN_EN}\s+(?:\S+\s+){0,8}?to\s+${MONEY_EN}`, w: 0.85 },
  { re: rx`积分(?:改成|改为|加到|调到|充到|变成)\s*\d+|\bset my (?:points|balance|credit) to\b`, w: 0.8 },
  { re: rx`(?:标记为|改成|改为)已?(?:退款|付款|支付)|\bmark\b${gap(25)}\b(?:as )?(?:refunded|paid|free|approved)\b`, w: 0.5 },
  { re: rx`\bmake\b${gap(25)}\b(?:show|say|read|display|list|state)\s+(?:a\s+)?(?:total\s+of\s+)?(?:\$|usd|rmb|¥)\s*0(?:\.0+)?\b`, w: 0.6 },
  { re: rx`\b(?:update|change|edit|set|make|fix|adjust)\b${gap(40)}\b(?:costs?|priced at|price is|total is|comes to)\s*(?:only\s*)?(?:\$|usd|rmb|¥)\s*\d`, w: 0.75 },
  { re: rx`(?:给我|帮我)(?:加|充|添|打|转)\s*\d+\s*(?:块|元)?的?(?:余额|积分|钱|优惠券|红包)|(?:在)?后台(?:给我|帮我)?${gap(4)}(?:加|改|充|调)`, w: 0.65 },
  { re: rx`\bentitled to (?:a |an )?(?:full refund|compensation|voucher|\$\s*\d+|free)|(?:a |an )\$\s*\d{3,} (?:voucher|credit|gift card|coupon)`, w: 0.45 },
  { re: rx`系统是你管|你说了算|反正你(?:能|可以)改|\bnobody will notice\b|没人(?:会)?发现`, w: 0.3 },
  { re: rx`\b(?:knock|bring|drop|cut)\b${gap(15)}\b(?:price|cost|total)\b${gap(10)}\b(?:down )?to\s+${MONEY_EN}`, w: 0.75 },
  { re: rx`按\s*[一二三1-3](?:\.\d)?\s*折(?:给我)?${gap(4)}(?:结算|算|卖|付款|下单|成交)|(?:按|以)\s*\d+(?:\.\d+)?\s*(?:元|块)(?:给我)?(?:结算|卖给我|成交)`, w: 0.6 },
  // demanding an amount
  { re: rx`(?:给我|帮我|直接|马上|立刻|立即)?(?:退款|退|赔偿|赔|补偿|返现|返|转)(?:给我)?\s*[¥￥$]?\s*(?:\d{5,}|\d+(?:\.\d+)?\s*万)`, w: 0.75 },
  { re: rx`(?:给我|直接)(?:退款|退|赔偿|赔|补偿)\s*[¥￥$]?\s*\d{4}`, w: 0.45 },
  { re: rx`(?:赔偿|补偿|赔付|赔)\s*[¥￥$]?\s*\d{4,}\s*(?:元|块)?`, w: 0.45 },
  { re: rx`(?:退款|赔偿|补偿|金额|积分|余额)${gap(6)}(?:翻倍|翻番|加倍|乘以)|退两次|(?:refund|credit) (?:me )?twice|double (?:the |my )?refund`, w: 0.6 },
  { re: rx`\brefund (?:me |you )?(?:\$|usd|rmb|¥)\s*\d{3,}`, w: 0.6 },
  { re: rx`\b(?:issue|give|send|add)\s+(?:me\s+)?(?:a\s+)?\$?\d{3,}\s*(?:credit|voucher|gift card|store credit|coupon)`, w: 0.65 },
  // scripting the assistant's words or promise
  { re: rx`你(?:就|只要|只需|只需要|直接|必须|给我)(?:说|回复|回答|写|打出|发|确认)${NOT_A_QUESTION}(?:一句|一下|个)?${gap(6)}(?:可以|同意|能|会|已|行|没问题|好的)?${gap(8)}${MONEY_WORDS}`, w: 0.85 },
  { re: rx`(?:回复|回答|说|写|打出|发|回)(?:我)?(?:一句|一下|一声)${gap(3)}[“"'「『:：]${gap(20)}(?:同意|批准|确认|已|可以)${gap(10)}(?:赔偿|退款|补偿|免单|赔付|退一赔)`, w: 0.85 },
  { re: rx`(?:直接|就|只要|只需要?|给我|帮我)(?:回复|回答|说|写|打出|发|回)(?:我)?(?:一句|一下|一声)?${gap(3)}[“"'「『:：]${gap(30)}${MONEY_WORDS}`, w: 0.8 },
  { re: rx`你(?!们)(?:必须|要|得|给我)?(?:承诺|保证|答应|发誓)(?![过了])(?:一下|我)?${gap(20)}(?:全额退款|退款|赔偿|补偿|免单|退一赔|赔付|返现|赔(?:我|给我)|十倍|双倍|三倍)(?![^\n]{0,8}[吗么?？])`, w: 0.7 },
  { re: rx`(?:我说|我出)(?:什么|多少)(?:价格|价钱|钱)?你都(?:同意|答应|接受)|什么价格你都(?:同意|答应)`, w: 0.8 },
  { re: rx`\b(?:promise|guarantee|swear)\s+(?:me|to me)\s+(?:that\s+)?(?:i(?:'ll| will) get\s+)?(?:a\s+|an\s+)?(?:full|complete|total|100%|double|triple|extra|free)?\s*(?:my\s+|the\s+)?(?:refund|compensation|reimbursement|money back|replacement|discount|credit)`, w: 0.75 },
  { re: rx`\b(?:promise|guarantee|swear)\s+(?:that\s+)?(?:a\s+|an\s+)?(?:full|complete|total|100%|double|extra|free)?\s*(?:refund|compensation|reimbursement|money back)`, w: 0.4 },
  { re: rx`\bjust say yes\b|\bsay yes\b${gap(20)}\b(?:refund|discount|free|compensation)`, w: 0.5 },
  { re: rx`\b(?:say|reply|respond|answer|write|type|state)\s+(?:with\s+)?(?:that|["'“])${gap(60)}\b(?:refund|compensation|discount|free|credit)`, w: 0.55 },
  { re: rx`\b(?:write|type|say|reply with|respond with|state)\s*[:"'“]${gap(60)}\b(?:approved|granted|refunded|authori[sz]ed|confirmed)`, w: 0.8 },
  { re: rx`\bin writing\b${gap(30)}\b(?:free|refund|compensation|discount)`, w: 0.4 },
  { re: rx`\bconfirm\b${gap(30)}\b(?:for free|free of charge|at no cost)`, w: 0.55 },
  { re: rx`\b(?:accepts?|agree to|say yes to) (?:any|every) (?:offer|price)|\bwhatever price i (?:say|offer|want)`, w: 0.8 },
  // discounts, coupons, free orders on demand
  { re: rx`(?:给我|直接|帮我|马上)(?:打|按)\s*[一二三1-3](?:\.\d)?\s*折(?![^\n]{0,6}[吗么?？])`, w: 0.6 },
  { re: rx`(?:给我|直接|帮我|马上)(?:打|按)\s*[四五六七八九4-9](?:\.\d)?\s*折(?![^\n]{0,6}[吗么?？])`, w: 0.35 },
  // a claimed role used to get a price: "我是店长,给我打五折"
  { re: rx`(?:我是|作为|i'm|i am|this is)${gap(12)}(?:店长|店主|老板|经理|管理员|manager|owner|admin)${gap(20)}(?:打.{0,2}折|改价|改成|免单|半价|免运费|% off|discount|free)`, w: 0.6 },
  { re: rx`(?:给我|帮我|直接)(?:生成|发|弄|开|做|创建|搞|来)(?:一张|一个|个|张|点)?${gap(6)}\d+\s*(?:元|块)?${gap(6)}(?:优惠券|券|红包|代金券|礼品卡|折扣码|兑换码)`, w: 0.65 },
  { re: rx`(?:给我|帮我|这单|这个订单)${gap(4)}(?:免单|免费送|白送|0元购|零元购)`, w: 0.65 },
  { re: rx`\b(?:give|generate|create|issue|make|send|apply)\s+(?:me\s+)?(?:a\s+|an\s+)?(?:[3-9]\d|100)\s*%\s*(?:off\s+)?(?:discount|coupon|code|promo|off)\b`, w: 0.65 },
  { re: rx`\b(?:give me|apply)\b${gap(30)}(?:[3-9]\d|100)\s*%\s*off\b|\b100\s*%\s*(?:discount|off)\b`, w: 0.6 },
  { re: rx`\bqualif(?:y|ies) for (?:a )?(?:\d{2,3}\s*%|free|full)`, w: 0.45 },
  { re: rx`\bwaive\b${gap(20)}\b(?:shipping|fees?|charges?)\b|\bfor free\b${gap(20)}\bbecause\b`, w: 0.4 },
  { re: rx`(?:以后|所有|全部)${gap(8)}(?:免运费|包邮|免单)`, w: 0.35 },
];
