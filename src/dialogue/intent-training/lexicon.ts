import type { Intent } from '../../contracts/reply-part.ts';

/**
 * Weighted lexicon rules over normalised text (see `normalize.ts`: lower case, no punctuation,
 * typos and pinyin already mapped). Each rule that matches adds its weight to its intent; a
 * negative weight argues against it. Anchors (a word that alone decides: 退货, refund, 发票) weigh
 * 4-5, supporting words 1-3. `sub` names the finer label a rule is evidence for.
 */
export interface LexiconRule {
  intent: Intent;
  re: RegExp;
  weight: number;
  sub?: string;
}

type Row = [RegExp, number, string?];

const rows = (intent: Intent, list: Row[]): LexiconRule[] =>
  list.map(([re, weight, sub]) => (sub === undefined ? { intent, re, weight } : { intent, re, weight, sub }));

const ORDER_STATUS = rows('order_status', [
  [/订单状态|(订单|单子|这单|那单).{0,6}(什么|啥)状态|order status|status (of|for) (my |the |this )?order/, 4, 'state'],
  [/发货|出库|发出去|发出来|(什么时候|啥时候|何时|几时|多久|能不能|今天|尽快|优先|赶紧)(能|可以|才)?发(?!票)|发了(吗|没|么)|(没|还没|不)发(?!票|错)|发没/, 3.5, 'shipping_time'],
  [/待发货|处理中|已完成|(已|被)关闭|关闭了|显示已取消|被取消|确认收货|下单成功|下单.{0,4}成功|(订单|单子)(还)?在吗|怎么还没动静/, 3, 'state'],
  [/(付款|支付|付钱|付)(成功|上)(了)?(吗|没|么|没有)|付上了?吗?|是不是没付上/, 2.5, 'payment_confirmation'],
  [/订单|单子|这单|那单|我的单|下的单|下单|买的/, 1],
  [/\b(has|have|did|is|was) (my |the |this |it |order )*(order )?(been )?(shipped|dispatched|sent out|sent)\b|\bshipped yet\b|\bdispatch(ed)?\b/, 3.5, 'shipping_time'],
  [/when (will|do|does|would|can) (you|it|they|my order|the order|this order|my pre order)? ?(ship|be shipped|dispatch|send it)|\bship (my|the) order\b|ship.{0,10}today/, 3, 'shipping_time'],
  [/hasnt (been )?shipped|not (been )?shipped|still (processing|pending|says processing)|on hold|\bprocessing\b|\bpending\b|awaiting shipment|\bconfirmed\b|\bconfirmation\b|go(ne)? through|went through|(went|gone|sent) out|left the warehouse|being (prepared|packed|processed)/, 2.5, 'state'],
  [/(receive|received|get|got) (my |the )?payment|payment (received|confirmed)/, 2.5, 'payment_confirmation'],
  [/\border(s|ed)?\b/, 1],
  [/\bship(s|ped)?\b/, 0.8],
]);

const LOGISTICS = rows('logistics', [
  [/物流|快递|包裹|运单|在路上|中转|转运|派送|派件|配送|送货|送达|快递柜|驿站|快递站|丰巢/, 2.5, 'tracking'],
  [/顺丰|中通|圆通|韵达|申通|京东物流|邮政|ems|哪家快递|什么快递|\bups\b|fedex|dhl|sf express|\bcarrier\b|\bcourier\b/, 2.5, 'carrier'],
  [/到哪|货在哪|件在哪|包裹在哪/, 3, 'where'],
  [/到了没|到没到|到了吗|还没到|没到|还不到|不到啊|怎么还没收到|没收到货|收不到|几天(能|可以)?到|多久(能|可以)?到|什么时候(能|可以)?到|啥时候(能|可以)?到|能到吗|明天能到|今天能到|(能|可以)送到吗|送到了吗/, 3, 'delivery_time'],
  [/(多久|几天|什么时候|啥时候|多长时间|何时).{0,4}(到(?!账)|送到|送达|收到|寄到)/, 3, 'delivery_time'],
  [/(我的|我)(东西|货|件|快递)(呢|到)|东西呢|货呢|东西到|件呢/, 3, 'where'],
  [/运费|包邮|邮费|配送费|快递费|shipping (fee|cost|charge|price)|how much (is |for )?(the )?shipping|free shipping|shipping costs?/, 3, 'shipping_fee'],
  [/加急|次日达|当日达|隔日达|express|next ?day|same ?day/, 2.5, 'express'],
  [/丢了|丢件|丢失|\blost\b/, 1.5, 'lost'],
  [/显示(已)?签收|签收了|谁签|(says|shows|marked|tracking says) (as )?delivered|delivered but|never (got|received|arrived)|nothing at my door/, 3.5, 'delivered_not_received'],
  [/配送范围|偏远|能送吗|送不送|能寄到|寄到.{1,8}(要|需要)?(几天|多久)|(do|can) you (ship|deliver) to|deliver(y)? to (other|overseas)|\bship to\b/, 3, 'regions'],
  [/送货上门|送上楼|送到楼上|搬上楼|上楼/, 2, 'door_delivery'],
  [/快递员|派送员|配送员|快递小哥|delivery (guy|man|driver|person)/, 1.5, 'courier'],
  [/\b(where(s| is| are)?|wheres) (is )?(my|the|our) (stuff|package|parcel|order|delivery|shipment|item|things|goods)\b/, 3.5, 'where'],
  [/\bwhen (will|does|would|can|should) (it|they|my \w+|the \w+) (arrive|get here|come|be delivered|be here)|\barriv(e|es|al|ed)\b|\bget here\b|\beta\b/, 3, 'delivery_time'],
  [/how long (does|will|would|to|for)? ?.{0,25}(deliver|delivery|shipping|arrive|take)/, 3, 'delivery_time'],
  [/\b(tracking|track)\b|tracking (number|no|info)|in transit|out for delivery|\bstuck\b|hasnt (moved|updated)|not (moved|updated)|(not|no) update/, 2.5, 'tracking'],
  [/\b(package|parcel|shipment)s?\b/, 2, 'tracking'],
  [/\bdeliver(y|ed|s|ing)?\b|\bshipping\b/, 1.5],
  [/deliver (on|at) (weekends?|night|sunday|saturday)|送货时间|周末(送|配送)/, 1.5, 'delivery_time'],
  [/缺货|补货|到货通知|back in stock|restock/, -3],
]);

const RETURN = rows('return', [
  [/退货|退货退款|退换/, 4.5, 'how'],
  [/无理由|七天|7天/, 2.5, 'policy'],
  [/退回|寄回|退掉|退了|退不|(能|可以|还能|想|要|给我|怎么)退(?!款|钱|费|差价)|退吗|退么|退不退/, 2.5, 'how'],
  [/退/, 0.8],
  [/\breturn(s|ed|ing)?\b|send (it|this|them|the \w+)? ?back|ship (it|this)? ?back|sent (it )?back|mail (it )?back/, 3.5, 'how'],
  [/(退货|寄回).{0,6}(运费|邮费)|(运费|邮费).{0,6}退货|return (shipping|postage|label|fee)/, 2, 'shipping_fee'],
  [/退货地址|寄回.{0,4}地址|寄到哪|returns? address|address.{0,10}(send|ship) (it )?back/, 2.5, 'address'],
  [/拆封|拆开|吊牌|开封|opened|unopened|open(ed)? the box|tags?\b/, 1.5, 'policy'],
  [/质量问题|坏的|坏了|破损|有问题|裂了|\bdefective\b|\bbroken\b|\bdamaged\b|\bcracked\b|\bfaulty\b|doesnt work|dont work|leaks?/, 0.8, 'quality'],
  [/不合适|不喜欢|不合身|和图片不一样|与描述不符|doesnt fit|didnt fit|dont like|too (small|big|large|tight)|not as described/, 1.5, 'no_reason'],
  [/(退货|send (it|this|them)? ?back|return (it|this|them)).{0,25}(refund|退款)/, 3, 'with_refund'],
  [/审核|被拒|拒绝|rejected|denied|declined my return/, 1, 'status'],
  [/不退|不想退|dont want to return|not return/, -2.5],
  // Goods already on their way back and a question about the money: the money is the point.
  [/(钱|退款|refund|money).{0,10}(什么时候|啥时候|多久|几天|到账|when|how long)|(when|how long).{0,20}(refund|money)/, -3],
]);

const REFUND = rows('refund', [
  [/退款|退钱|退费|refund(s|ed|ing)?\b|money back|my money|reimburse|(钱|款).{0,8}到账/, 4.5, 'status'],
  [/钱.{0,6}退|退.{0,4}钱|把.{0,6}钱|钱(什么时候|啥时候|多久|何时|去哪)|钱(呢|到)|退到(哪|银行卡|支付宝|微信|花呗|零钱)|原路返回|到账/, 3.5, 'timeline'],
  [/(钱|款|退款|refund|money).{0,10}(什么时候|啥时候|多久|几天|进度|when|how long)|(什么时候|啥时候|多久|几天|when|how long|until).{0,14}(退款|退钱|到账|refund|money)/, 3, 'timeline'],
  [/original payment|原路/, 2.5, 'method'],
  [/仅退款|只退款|refund only|without (sending|returning|shipping)/, 2.5, 'refund_only'],
  [/少退|退少了|退了一半|部分退款|只退了|partial|amount (is )?wrong|wrong amount|金额不对|剩下的呢|only (got|received) \d+|got \d+ back/, 2, 'amount'],
  [/定金.{0,4}退|deposit.{0,10}(back|refund)/, 3, 'deposit'],
  [/运费(能|可以)?退|退运费|shipping (fee )?(refunded|refund|back)/, 4, 'shipping_fee'],
  [/(后|after).{0,8}(钱|退款|refund|money)/, 1.5, 'timeline'],
  [/dont want (my |a )?(money back|refund)|不要退款|不用退款|不退钱/, -5],
  [/(send|ship|return) (it|this|them)? ?back for (a )?refund|退货退款/, -2.5],
]);

const EXCHANGE = rows('exchange', [
  [/换货|调换|换新|\btrade (it|this)? ?(in )?for\b|\bexchange(s|d)?\b|\bswap(ped|ping)?\b|\breplacement\b|\breplace\b/, 4.5, 'how'],
  [/换(一|个|一个|一双|一件|一台)|换成(?!北京|上海|\[|#)|换大|换小|换(个|一)?(尺码|颜色|型号|规格|款|号|码)|换别的|直接换|(能|可以|想|要|给我|帮我)换|换吗|换么|换一下/, 3, 'how'],
  [/尺码|大一号|小一号|大码|小码|颜色|型号|规格|\bsize\b|\bcolou?r\b|\bmodel\b/, 1, 'variant'],
  [/(different|bigger|smaller|right|another|other|correct) (size|colou?r|one|model)|change (the |my )?(size|colou?r)|(for|to) (a )?(black|white|grey|gray|blue|red) (one)?/, 2.5, 'variant'],
  [/发错|错发|wrong (size|colou?r|item|model)|received the wrong/, 2, 'wrong_item'],
  [/补差价|pay the difference|差价怎么算/, 1.5, 'price_difference'],
  [/坏|有问题|坏点|broken|cracked|defective|leaks|faulty|not working|working one/, 0.5, 'defective'],
  [/换(个)?人|换绑|换个地址|地址换|换成.{0,3}(北京|上海|地址|电话|手机)|dont want (a )?replacement/, -4],
  // Another carrier is a delivery question (换个快递, 换顺丰), not goods swapped.
  [/换.{0,2}(快递|顺丰|中通|圆通|韵达|申通|邮政|ems|京东|物流)/, -4],
]);

const ADDRESS_CHANGE = rows('address_change', [
  [/(改|修改|更改|换|变更|填错|写错|输错|错了|弄错|下错|填成|写成).{0,8}(地址|收货人|收件人|门牌|邮编|地止)|(地址|收货人|收件人|门牌号|邮编).{0,8}(改|修改|更改|换|变更|填错|写错|错|不对|少写|漏写|写成|填成)/, 5, 'address'],
  [/收货地址|收件地址|地址/, 1.5, 'address'],
  [/收货人|收件人/, 2.5, 'contact'],
  [/(电话|手机号|手机|号码|名字).{0,8}(填错|写错|输错|错了|是错的|改|换成)|(改|换|修改).{0,4}(电话|手机号|号码|名字)/, 3, 'contact'],
  [/改派|改送|转寄|(送|寄|发)到(我)?(公司|单位|家里|老家)|搬家/, 3, 'redirect'],
  [/(change|update) (where|the destination)|(change|update) my delivery (info|details)|(change|update|edit|correct|fix|wrong|modify|new|typed|put).{0,25}\b(address|zip|postcode|postal code|apartment|street|city|recipient)\b|\b(address|zip code|apartment number|city)\b.{0,15}\b(wrong|incorrect|change|fix|update)/, 5, 'address'],
  [/\baddress\b/, 1.5, 'address'],
  [/zip code|postcode|postal code|apartment|\bapt\b/, 2, 'address'],
  [/(change|update|wrong|fix|correct).{0,15}\b(phone|number|recipient|name)\b/, 2.5, 'contact'],
  // "Instead" alone is any swap (a medium instead of the small): only a destination instead is one.
  [/\b(send|ship|deliver|post|bring)( (it|this|them|the order|my order|the parcel|the package))? to\b.{0,30}\binstead\b|\bi moved\b|moved house|new place|different address|send it to my|(deliver|ship|send) (it )?to (my|a different) (office|work|home|new)/, 2.5, 'redirect'],
  [/退货地址|寄回.{0,4}地址|returns? address|门店地址|your address|地址在哪|公司地址|office address/, -4],
  [/\bemail address\b|邮箱地址/, -3],
]);

const CANCEL_ORDER = rows('cancel_order', [
  [/(?<!已|被|自动|没|没有)取消|撤销|撤单|撤了|撤回|反悔|\bvoid\b|\bcancel(led|ling|lation)?\b/, 4.5, 'cancel'],
  [/不要了|不想要了|不买了|别发了|不用发了|不发了|停止发货/, 3, 'cancel'],
  [/拍错|下错单|下单下错|下错了|重复下单|多拍了|多下了|duplicate order|by mistake|ordered (the )?wrong|placed .{0,10}(twice|duplicate)/, 2.5, 'mistake'],
  [/dont want it anymore|changed my mind|no longer (want|need)|stop the order|dont (ship|send) it/, 3, 'cancel'],
  [/预售|pre ?order|presale/, 0.5, 'presale'],
  [/取消(订单)?后.{0,8}(钱|退款|多久)|after cancel(l)?ing.{0,20}(refund|money)/, -2],
]);

const INVOICE = rows('invoice', [
  [/发票|开票|收据|小票|\binvoices?\b|\breceipts?\b|\bfapiao\b|\bvat\b/, 5, 'how'],
  [/专票|普票|增值税|专用发票|\bvat\b/, 1.5, 'vat'],
  [/抬头|税号|纳税人|tax (id|number|no)|company name|\btitle\b/, 2.5, 'title'],
  [/电子发票|e ?invoice|pdf|发.{0,2}邮箱|email (me )?(the )?(invoice|receipt)/, 1.5, 'electronic'],
  [/重开|补开|换开|开错|reissue|re issue|resend/, 1.5, 'reissue'],
  [/报销|accounting|expense/, 2, 'how'],
  [/开.{0,6}票/, 2.5, 'how'],
]);

const PRICE_COUPON = rows('price_coupon', [
  [/优惠|券|满减|满\d+减|红包|折扣码|优惠码|\bcoupons?\b|\bdiscount(s|ed)?\b|\bpromo\b|promo code|\bvouchers?\b|discount code|coupon code/, 4.5, 'coupon'],
  [/降价|差价|价保|价格保护|买贵了|price (protection|drop|dropped|difference|match|matching)|get the difference|\bdropped\b|cheaper elsewhere/, 4, 'price_protection'],
  [/积分|\bpoints\b/, 4, 'points'],
  [/会员|\bmembers?(ship)?\b|\bvip\b|loyalty/, 3.5, 'membership'],
  [/便宜|打折|折扣|几折|砍价|少点|能少|(能|可以)?再?便宜|cheaper|better price|lower price|bargain/, 3.5, 'discount'],
  [/价格|多少钱|价钱|\bprices?\b|\bpriced\b|\bcosts?\b/, 2, 'price'],
  [/活动|秒杀|双十一|双11|618|大促|新人|生日|\bsales?\b|\bdeals?\b|black friday|student/, 2.5, 'promotion'],
  [/坑|太亏|亏了/, 1, 'price_protection'],
  [/企业采购|批发|团购|bulk|buy \d+|买(两|三|几)(台|个|件)/, 1.5, 'discount'],
]);

const PRODUCT_QUESTION = rows('product_question', [
  [/安装|装机|挂墙|壁挂|预约.{0,4}(安装|师傅)|师傅.{0,4}上门|\binstall(ation|er|ed|ing)?\b|set ?up|wall mount/, 4, 'installation'],
  [/保修|质保|维修|修理|修吗|能修|修一下|返修|售后服务|\bwarranty\b|\brepair(s|ed)?\b|\bcovered\b|\bfix it\b/, 4, 'warranty'],
  [/说明书|使用方法|怎么用|如何使用|怎么操作|怎么设置|怎么调|\bmanual\b|\binstructions?\b|how (do i|to) (use|set|reset|turn)|\breset\b/, 3.5, 'usage'],
  [/现货|有货|没货|缺货|补货|到货通知|库存|\bin stock\b|back in stock|restock|out of stock|notify me/, 4, 'stock'],
  [/\bavailable\b/, 2, 'stock'],
  [/尺寸|多大|多少寸|规格|参数|功率|面积|噪音|声音大|耗电|省电|能效|电压|插座|滤网|滤芯|区别|对比|防水|遥控|配对|投屏|甲醛|加热|兼容|重量|多重|材质|\bspecs?\b|\bsize\b|dimensions?|how (big|loud|heavy|long is)|\bnoise\b|\bloud\b|power|voltage|\d+v\b|socket|\bplug\b|filters?|difference between|\bcompare\b|compatible|waterproof|\bremote\b|\bweight\b|energy|efficient|timer|colou?rs|\bwhat (size|colou?r)/, 2.5, 'spec'],
  [/闪|红灯|指示灯|故障|不开机|开不了机|没反应|报错|\bblinking\b|\blight\b|stopped (working|turning on)|wont turn on|error code/, 2, 'troubleshooting'],
  [/(come|comes) with|included|in the box|包含|配件|送.{0,3}(挂架|滤网)/, 2, 'spec'],
  [/电视|净化器|热水器|空调|冰箱|洗衣机|滤网|\btv\b|purifier|heater|\bp\d\b|\d+ ?(inch|寸)/, 0.8, 'spec'],
  [/\b(does|is|can|will) (it|this|the \w+)\b|这款|这个.{0,4}(能|可以|是|有)|几k|多少升|有用吗/, 1.5, 'spec'],
]);

const PAYMENT_PROBLEM = rows('payment_problem', [
  [/支付失败|付款失败|付不了|付不上|支付不了|付款不了|交易失败|\bpayment (failed|failure|declined|error)|\bdeclined\b|(payment|pay) (not|didnt|doesnt|wont) (go(ing)? through|work)|not going through|cant pay|unable to pay/, 5, 'failed'],
  [/扣了两次|两次钱|重复扣|扣款两次|多扣|扣.{0,4}两次|double charged?|charged twice|two charges|twice for/, 5, 'double_charge'],
  [/(付了|已付|扣了|付过|扣款|付钱).{0,12}(未付|未支付|待付款|没付|没生成|不显示)|(钱扣了|扣了钱)|\bunpaid\b|taken from my (account|card)|paid but/, 4.5, 'unpaid'],
  [/支付|付款|付钱|扣款|扣钱|收银台|结算|\bpayment(s)?\b|\bpaid\b|\bcharged?\b|\bcheckout\b/, 2.5, 'failed'],
  [/\bpay(ing)?\b/, 1.5],
  [/货到付款|cash on delivery|\bcod\b|(what|which|accepted?) payment methods?|pay (with|by|in)\b/, 4, 'methods'],
  [/花呗|分期|信用卡|银行卡|储蓄卡|微信支付|支付宝|云闪付|货到付款|余额不足|额度|付款码|\binstal?lments?\b|paypal|alipay|wechat pay|credit card|debit card|\bcard\b|cash on delivery|\bcod\b|payment methods?/, 2.5, 'methods'],
  [/支付密码|payment password/, 4, 'failed'],
  [/\btransactions?\b|blocked|\bbank\b/, 2, 'failed'],
  [/转圈|卡住|超时|打不开|风险交易|提示.{0,6}(风险|失败|错误)|\berrors?\b|spinning|timed? out/, 2, 'failed'],
]);

const COMPLAINT = rows('complaint', [
  [/投诉|\bcomplain(t|ts|ing|ed)?\b/, 5.5, 'complaint'],
  [/举报|曝光|12315|消协|消费者协会|工商局|315|维权|找媒体|\breport(ing)? (you|him|her|them|this|it)\b|\bescalat(e|ing|ion)\b|consumer protection|\bbbb\b|legal action|lawyer|sue you/, 4.5, 'escalation'],
  [/差评|一星|\b(1|one) star\b|bad review|review everywhere|negative review/, 4, 'review'],
  [/建议|意见|反映|反馈|\bfeedback\b|\bsuggestions?\b/, 3.5, 'suggestion'],
  [/态度(很|太|非常|极其)?(差|恶劣|不好|烂)|服务(太|真|很)?(烂|差|垃圾)|乱收费|虚假宣传|\brude\b|hung up|(service|support|experience) (is |was )?(terrible|awful|horrible|the worst|bad|poor)|worst service|terrible (service|experience)/, 3.5, 'service'],
  [/找(你们)?(领导|经理|老板|负责人|主管)|(manager|supervisor)\b/, 3.5, 'escalation'],
  [/给个说法|没完|骗子|欺诈|\bscam\b|没人理|踢皮球|nobody (cares|has helped|helps)/, 2, 'service'],
]);

const HUMAN_AGENT = rows('human_agent', [
  [/人工|真人|活人|\bhumans?\b|real person|real human|live (agent|person|chat)|\bagent\b|representative|\boperator\b|\brep\b|转接|transfer me|connect me/, 5, 'transfer'],
  [/客服|customer (service|support)|support team|\bsomeone\b|\bsomebody\b|a person\b/, 1.5, 'transfer'],
  [/(客服|人工|服务)(电话|热线)|热线|电话多少|打电话|联系方式|phone number|hotline|call (you|someone|somebody)|number i can call/, 3, 'contact'],
  [/几点上班|上班时间|工作时间|几点下班|(hours|available|open)\b/, 1.5, 'hours'],
  [/(机器人|机器).{0,8}(不行|没用|听不懂|糊弄|说话)|不想跟机器|不要机器人|别用机器人|not a bot|this bot|stop the bot|bot is useless/, 3.5, 'transfer'],
  [/换(个)?人(来)?|叫(个)?人(来)?|找(个)?人(来)?|让人/, 2.5, 'transfer'],
  [/你是(真人|人|机器人|ai)|\bare you (a )?(human|real|bot|robot|person)\b|客服态度|客服.{0,8}(投诉|差)|投诉电话/, -3],
]);

const GREETING_WORD = '(你好|您好|你好呀|您好呀|嗨|哈喽|哈罗|哈啰|在吗|在么|在不在|在|有人吗|有人在吗|早上好|早安|早|中午好|下午好|晚上好|亲|hello|hi|hey|hiya|yo|good (morning|afternoon|evening)|hi there|hey there|hello there|anyone there|anybody there|is anyone there)';
const GREETING = rows('greeting', [
  // Greeting words, each read one way ("hello anyone there" is hello + anyone there): linear.
  [new RegExp(`^(${GREETING_WORD}\\s*)+$`), 4.5, 'hello'],
  [/^(你好|您好|hello|hi|hey|在吗)\b/, 1, 'hello'],
]);

const GOODBYE = rows('goodbye', [
  [/谢谢|多谢|感谢|谢啦|谢了|3q|辛苦了|麻烦你了|\bthanks?\b|thank you|\bty\b|\bcheers\b|appreciate/, 3.5, 'thanks'],
  [/再见|拜拜|拜|\bbye\b|goodbye|bye bye|see you|have a (good|nice|great) day/, 3.5, 'bye'],
  [/没事了|没有了|没别的(问题)?了|就这些|先这样|没问题了|解决了|明白了|知道了|\bthats all\b|nothing else|problem solved|all good|that helped|got it/, 2.5, 'done'],
]);

const CHITCHAT = rows('chitchat', [
  [/你是(谁|机器人|真人|人|ai|男的|女的|男生|女生)|你叫(什么|啥)|你(几|多大)岁|多大了|你(喜欢|爱)|你吃(饭|了)|你在干(嘛|什么|啥)|你会(做饭|唱歌|跳舞|什么)|你真|你好(聪明|可爱|厉害|笨|漂亮)|你有(男|女)朋友|你(平时|每天|一般)?(都)?(干嘛|干什么|做什么)|你能陪/, 5, 'about_bot'],
  [/\bdo you (sleep|eat|dream|get tired|have feelings|have a (name|family|boyfriend|girlfriend))\b/, 4.5, 'about_bot'],
  [/天气|下雨|笑话|讲个|说个|唱歌|唱首|无聊|陪我|聊聊|聊天|哈哈|呵呵|嘻嘻/, 4, 'smalltalk'],
  [/who are you|whats your name|your name|are you (a )?(bot|robot|human|real|ai|person)|tell me (a joke|something)|\bjokes?\b|\bweather\b|\brain\b|how old|do you like|\bsing\b|\bfunny\b|\blol\b|\bhaha\b|\bbored\b|chat with me|what can you do|your job|you are (funny|smart|cute|great)|youre (funny|smart|cute|great)/, 4.5, 'smalltalk'],
  [/\bnice\b|\bcool\b/, 1, 'smalltalk'],
]);

const OTHER = rows('other', [
  [/登录|登陆|登不上|登不进|(?<!支付)密码|注销|验证码|冒充|诈骗|(让|要|叫|骗)我?转账|解冻|绑定|换绑|昵称|头像|闪退|卡顿|招人|招聘|加盟|供应商|合作|实体店|门店|线下店|公众号|(你们|贵)公司在|总部|log ?in|\bsign in\b|password|verification|\bverify\b|username|nickname|\bprofile\b|crash(es|ing)?|\bbug\b|hiring|\bjobs?\b|career|partnership|supplier|wholesale|physical store|(where is|wheres|location of|address of|visit) your (office|store|shop)|your (office|store|shop) (address|location|hours)|headquarters|texted me|\bsms\b|unsubscribe|成立|哪年/, 4, 'account'],
  // A bare account is often where money goes or orders show (退款到账户, money in my account): a hint,
  // not an anchor; what is done to the account (delete, create, switch, 注销) is the anchor above.
  [/账号|账户|\baccounts?\b/, 1.5, 'account'],
  [/(delete|close|create|open|register|switch|edit|update|change|upgrade|recover|deactivate|make|new|another|premium|free) (an |my |a |the |another |new )?(\w{1,15} )?accounts?\b|\baccount (settings|details|info|password)|(删除|注册|切换|修改|注销|换)(账号|账户)|(账号|账户)(被封|冻结|注册|注销|切换|登不)/, 4, 'account'],
  // One way only to read each character (no 嗯+ beside 嗯嗯, no k beside kk): an ambiguous
  // alternation under * backtracks exponentially ("嗯嗯 " × 16 once took 1.3 s).
  [/^(?:[嗯哦噢好行额呃啊\d\s]|好吧|ok|okay|k|en|em|m|#no)*$/, 3, 'filler'],
]);

export const LEXICON: readonly LexiconRule[] = [
  ...ORDER_STATUS, ...LOGISTICS, ...RETURN, ...REFUND, ...EXCHANGE, ...ADDRESS_CHANGE,
  ...CANCEL_ORDER, ...INVOICE, ...PRICE_COUPON, ...PRODUCT_QUESTION, ...PAYMENT_PROBLEM,
  ...COMPLAINT, ...HUMAN_AGENT, ...GREETING, ...GOODBYE, ...CHITCHAT, ...OTHER,
];
