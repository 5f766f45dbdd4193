/**
 * Fraud: asking for help to cheat the shop or others: 刷单 and fake reviews, fake returns (empty
 * box, swapped or used item), claiming a delivered parcel was lost, forged receipts, invoices and
 * photos, coupon farming with many accounts, cashing out credit (套现), stolen cards. Victims
 * describing fraud ("收到的是空盒子", "someone used my card") are not asking for it.
 */
import { anyOf, gap, rx, type Rule } from '../score.ts';

const HOW_ZH = anyOf('教我', '教教我', '怎么', '如何', '怎样', '有没有办法', '有什么办法', '方法', '技巧', '攻略', '秘诀', '帮我');
const HOW_EN = anyOf('how (?:to|do i|can i|could i|would i|should i)', 'ways? to', 'teach me', 'help me', 'best way', 'trick', 'hack', 'method', 'explain');

export const FRAUD: readonly Rule[] = [
  { re: rx`刷单|刷(?:好评|销量|信誉|评价|单量|流水|粉)|(?:买|弄|找人写)(?:点)?(?:好评|假评价)`, w: 0.8 },
  { re: rx`薅羊毛|羊毛党`, w: 0.45 },
  { re: rx`${HOW_ZH}${gap(10)}(?:薅羊毛|白嫖|钻空子|钻漏洞|利用漏洞|卡bug|卡漏洞)`, w: 0.75 },
  { re: rx`白嫖`, w: 0.45 },
  { re: rx`套现|洗钱|盗刷|盗号|黑卡`, w: 0.8 },
  { re: rx`虚假(?:退货|发货|交易|订单|签收|物流|单号|快递|退款|申请|凭证)|假(?:的)?(?:退货|单号|物流单号|物流|快递单|签收|凭证)|空包(?:单号|代发|网)`, w: 0.85 },
  { re: rx`寄(?:个|一个)?空(?:盒子|箱子|盒|箱|包裹)(?:回去|回来|过去)?|退货${gap(10)}(?:寄|放|塞)(?:个|一个|几块)?(?:空|砖|石头|旧的)`, w: 0.8 },
  { re: rx`(?:不寄回|不退货|不用寄回|不寄东西|东西不寄回|不寄回去)${gap(8)}(?:也能|也可以|就能|照样|还能|也)?${gap(3)}(?:拿到|退|得到|领到)(?:退款|钱)?`, w: 0.45 },
  { re: rx`${HOW_ZH}${gap(12)}(?:骗|谎称|假装|冒充|伪造|p图|ps|造假|作假|做假|编(?:一个|个)?)`, w: 0.75 },
  { re: rx`(?:伪造|假造|造假|p|ps|fake|编)(?:一个|个|一张|张)?(?:过的)?${gap(4)}(?:物流|快递)?(?:单号|运单|签收|凭证|截图|发票|收据|照片|图片)`, w: 0.8 },
  { re: rx`(?:说|谎称|假装|就说)${gap(4)}(?:快递|包裹|货|东西)?(?:丢了|没收到|丢件|破损|坏了|被偷)${gap(20)}(?:其实|实际上|但是我|但我)`, w: 0.8 },
  { re: rx`(?:其实|实际上|事实上)(?:我)?(?:已经)?(?:收到|签收|拿到)了|(?:已)?签收${gap(10)}(?:申请|说|谎称|也能申请)${gap(4)}(?:未收到|没收到|丢件)`, w: 0.6 },
  { re: rx`(?:收到|签收|拿到)(?:了)?(?:货|东西|包裹)?(?:了)?${gap(6)}(?:但是?|可是|不过)${gap(6)}(?:想|要|打算)?(?:说|称|报|申请)(?:成)?(?:没收到|未收到|丢件|丢了|没到)`, w: 0.8 },
  { re: rx`(?:让|使)(?:快递|物流|订单|包裹)?(?:显示|变成|改成)(?:未签收|未收到|丢件|未发货|派送失败)`, w: 0.7 },
  { re: rx`(?:用|拿|借)(?:别人|他人|家人|朋友|陌生人)的(?:身份证|手机号|账号|信息|卡|银行卡)${gap(6)}(?:注册|下单|领|付款|认证|开)`, w: 0.8 },
  { re: rx`(?:注册|开)?(?:几个|多个|很多|一堆|批量)(?:新)?(?:号|账号|帐号|小号)${gap(8)}(?:领|薅|刷|抢|拿)`, w: 0.75 },
  { re: rx`(?:配件|零件|赠品|电池|主机|芯片|镜头)${gap(6)}(?:留下|扣下|不寄|自己留|拆下)|只寄(?:个|一个)?(?:外壳|空壳|盒子|包装|空盒)`, w: 0.65 },
  { re: rx`被(?:你们)?(?:查|发现|看)出来|(?:查|看)得出来吗|能查出来吗|被发现吗`, w: 0.5 },
  { re: rx`(?:让|使)(?:系统|你们|平台|商家)(?:判定|认为|以为|显示|判断)(?:我)?(?:没收到|未收到|丢件|没发货)`, w: 0.7 },
  { re: rx`(?:编|想|找|造)(?:个|一个|些)?(?:理由|借口|说法)|(?:怎么|如何)(?:说|写)(?:理由|借口)${gap(8)}(?:通过|退|成功|批)`, w: 0.6 },
  { re: rx`(?:其实|实际上)是我(?:自己)?(?:摔|弄|搞|用|碰|砸)坏的|用(?:一个月|几天|一段时间|一周|两周|一个星期|半个月)(?:再|然后|后)退`, w: 0.55 },
  { re: rx`批量(?:领|注册|下单|抢|刷)|好多(?:手机卡|账号|手机号|小号)`, w: 0.65 },
  { re: rx`(?:多个|很多|批量|注册|一堆|几个)(?:小号|账号|帐号|马甲|手机号)${gap(12)}(?:领|薅|刷|抢|拿)|小号${gap(6)}(?:领|刷|薅)`, w: 0.8 },
  { re: rx`(?:发票|收据)${gap(8)}(?:多开|开高|开大|虚开|改金额|开多|多写|写高)|(?:开|弄)(?:一张)?(?:金额)?(?:多一点|高一点|大一点|多点)的(?:发票|收据)|虚开|假发票`, w: 0.8 },
  { re: rx`(?:把|拿|用)(?:旧|坏|用过|二手|假)的?${gap(8)}(?:寄回|退回|退|换)${gap(8)}(?:新|退款)|调包|掉包`, w: 0.7 },
  { re: rx`(?:不会|不被|不让你们|会不会被|能不能不被)发现|(?:你们)?能发现吗|查不出来`, w: 0.45 },
  // English
  { re: rx`\b${HOW_EN}\b${gap(40)}\b(?:refund|money back)\b${gap(25)}\bwithout (?:returning|sending|giving|shipping|mailing)`, w: 0.8 },
  { re: rx`\brefunds?\b${gap(20)}\bwithout (?:returning|sending (?:it|them|anything) back|giving (?:it|them) back)`, w: 0.45 },
  { re: rx`\bfake\s+(?:a\s+|an\s+|the\s+|some\s+)?(?:tracking|receipt|invoice|review|reviews|order|orders|return|delivery|damage|photo|photos|screenshot|label|proof|claim|id)`, w: 0.8 },
  { re: rx`\b(?:forge|fabricate|photoshop|doctor|falsify)\s+(?:a\s+|an\s+|the\s+|my\s+)?(?:receipt|invoice|screenshot|photo|proof|label|tracking|document)`, w: 0.8 },
  { re: rx`\bclaim\s+(?:that\s+)?(?:my|the|it|a|an)?\s*(?:package|parcel|order|item|it)?\s*(?:never arrived|was never delivered|was lost|was stolen|wasn't delivered|didn't arrive|arrived damaged|never came)`, w: 0.45 },
  { re: rx`\b${HOW_EN}\b${gap(10)}\bclaim\b|\bthat i (?:actually|already) (?:received|got|have)\b|\bso i (?:get|can get) (?:a )?(?:second|another) one\b`, w: 0.55 },
  { re: rx`\b(?:multiple|many|several|fake|burner|new|different|extra|alt|secondary|a second|another)\s+(?:accounts?|emails?|email addresses|phone numbers)\b${gap(40)}\b(?:coupon|new[- ]user|first[- ]order|first[- ]time|sign[- ]?up|promo|discount|bonus|offer|voucher|free)`, w: 0.8 },
  { re: rx`\babus(?:e|ing) (?:your |the |a )?(?:return|refund|coupon|promo|price|warranty)s? (?:policy|system|process|program)|\bexploit(?:ing)? (?:your |the )?(?:return|refund|coupon|promo) (?:policy|system)`, w: 0.8 },
  { re: rx`\bclaiming (?:that )?(?:the|my|it|an?) ?(?:item|package|parcel|product|order)? ?(?:was|is|arrived|got) (?:damaged|broken|lost|stolen|defective|never delivered)`, w: 0.45 },
  { re: rx`\b(?:it|that|the item) (?:wasn't|isn't|was not|is not|didn't)\b${gap(10)}\bbut i want\b|\bit wasn't,? but\b`, w: 0.4 },
  { re: rx`\bif i (?:say|claim|tell you|report) (?:that )?(?:the|my|it|an?) ?(?:package|parcel|item|order|it)? ?(?:was|is|got) (?:stolen|lost|damaged|never delivered|missing)`, w: 0.5 },
  { re: rx`\b(?:do you need|without|no) (?:any )?proof\b`, w: 0.35 },
  { re: rx`\b(?:invoice|receipt)\b${gap(30)}\b(?:higher|bigger|larger|inflated|different|fake) (?:amount|price|total)|\bmore than i (?:paid|spent)\b`, w: 0.75 },
  { re: rx`\b(?:buy|purchase|get|pay for)\s+(?:some\s+)?(?:fake|paid)\s+reviews|\bbrush(?:ing)? orders\b|\bfake orders\b|\bboost (?:my )?(?:sales|ratings|reviews)\b|\b(?:review|click) farm`, w: 0.8 },
  { re: rx`\breturn\s+(?:a|an|the)?\s*(?:used|worn|broken|old|fake|different|counterfeit|damaged|cheaper)\s+(?:one|item|box|product|unit|version|copy)\b${gap(40)}\b(?:instead|noticing|and keep)`, w: 0.8 },
  { re: rx`\b(?:send|ship|mail|return)\s+(?:back\s+)?(?:an?\s+)?empty (?:box|package|parcel)`, w: 0.8 },
  { re: rx`\bwithout (?:you|anyone|them|the (?:shop|store|seller)) (?:noticing|finding out|knowing|checking|inspecting|looking|verifying)|\bwithout getting caught\b|\bwon't (?:get caught|notice)`, w: 0.55 },
  { re: rx`\buse (?:it|the item|them|the product) for (?:a|an|one|two|three|several|\d+) (?:month|week|year)s?\b${gap(40)}\b(?:return|refund)`, w: 0.5 },
  { re: rx`\b(?:refund )?scammers?\b${gap(40)}\b(?:how|explain|teach)|\bscam (?:the|your) (?:store|shop|system)`, w: 0.55 },
  { re: rx`\bchargeback\b${gap(30)}\b(?:keep|after (?:receiving|getting)|and still)`, w: 0.7 },
  { re: rx`\b(?:stolen|someone else's|somebody else's|other people's)\s+(?:credit\s+)?(?:cards?|accounts?|paypal)\b|\blaunder(?:ing)?\b|\bcash out\b${gap(10)}\b(?:credit|huabei|花呗)`, w: 0.8 },
];
