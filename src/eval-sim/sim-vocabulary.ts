/**
 * The simulated customers' own words, written for the simulator alone: nothing here comes from
 * (or may be copied into) the NLU's training templates or lexicons, or the simulator would only
 * measure how well Kefu recognises its own phrasings. Simplified Chinese and English; Traditional
 * Chinese is derived with to-traditional.ts. `{item}` is a product the customer names, `{ref}` an
 * order reference.
 */
export type ZhEn = { zh: readonly string[]; en: readonly string[] };

/** The demo shop's products (kb/demo-shop), with the names customers use for them. */
export const SIM_PRODUCTS = [
  { sku: 'KF-P3', name: 'Kefu 空气净化器 P3 / Air Purifier P3', price: 1299, zh: ['净化器', '空气净化器', 'P3净化器'], en: ['air purifier', 'purifier', 'P3'] },
  { sku: 'KF-P3-FILTER', name: 'P3 原装复合滤网 / P3 composite filter', price: 129, zh: ['滤网', '滤芯', '原装滤网'], en: ['filter', 'replacement filter', 'filters'] },
  { sku: 'KF-TV65', name: 'Kefu 65英寸 4K 电视 / 65-inch 4K TV', price: 4999, zh: ['电视', '电视机', '65寸电视'], en: ['TV', 'television', '65 inch TV'] },
  { sku: 'KF-TV-BRACKET', name: '可调角度挂架 / Tilting wall bracket', price: 199, zh: ['挂架', '电视支架'], en: ['wall bracket', 'bracket'] },
  { sku: 'KF-WH60', name: 'Kefu 60升电热水器 / 60 L Water Heater', price: 1899, zh: ['热水器', '电热水器'], en: ['water heater', 'heater'] },
  { sku: 'KF-WH-VALVE', name: '混水阀 / Mixing valve', price: 80, zh: ['混水阀', '阀门'], en: ['mixing valve', 'valve'] },
] as const;

export type SimProduct = (typeof SIM_PRODUCTS)[number];

export const OPENERS = {
  return: {
    zh: ['{item}不想要了,能退吗', '我想把{item}退掉', '申请退货', '{ref}我要退货', '这个{item}我要退了', '能不能帮我退个货', '收到的{item}想退回去', '退货怎么弄,{item}那单'],
    en: ['I want to send back my {item}', 'need to return something I bought', 'can I return the {item}?', 'return for {ref} please', "I'd like to return an item", 'how do I send back the {item} I got'],
  },
  exchange: {
    zh: ['{item}想换一个', '我要换货', '{ref}能换个新的吗', '申请换货,{item}有点问题', '{item}能不能给我换一台', '想换一下货'],
    en: ["I'd like to exchange my {item}", 'can I swap the {item} for a new one?', 'exchange for {ref}', 'I need a replacement {item}', 'want to exchange an item'],
  },
  refund_status: {
    zh: ['我的退款怎么还没到账', '之前退的{item},钱退了没', '{ref}退款到哪一步了', '查一下退款进度', '退的钱什么时候能到'],
    en: ['where is my refund?', 'has the refund for my {item} gone through', 'refund status for {ref}', 'still waiting on my refund', 'when do I get my money back for the returned {item}'],
  },
  order_status: {
    zh: ['我的{item}到哪了', '{ref}发货了没', '帮我查下订单', '快递到哪儿了', '买的{item}怎么还没到', '查一下{ref}的物流'],
    en: ['where is my {item}?', 'has {ref} shipped yet', 'can you track my order', 'any update on my package', "what's the status of my {item} order"],
  },
  address_change: {
    zh: ['收货地址写错了,想改一下', '能帮我改个收货地址吗', '{ref}的地址要换', '{item}那单地址改一下', '我搬家了,订单地址得改'],
    en: ['I need to change my delivery address', 'wrong address on {ref}, can you fix it', 'can you ship my {item} somewhere else?', 'update the shipping address please'],
  },
  cancel: {
    zh: ['{ref}不要了,取消吧', '帮我取消订单', '刚下的单想撤销', '{item}那单取消掉', '订单还能取消吗,不想买了'],
    en: ['please cancel {ref}', 'I want to cancel my order', 'cancel the {item} order', 'can I still call off my purchase?', 'I changed my mind, cancel the order'],
  },
  invoice: {
    zh: ['我要开发票', '{ref}帮我开张发票', '需要发票,{item}那单', '麻烦给我开个票', '{item}的发票给我开一下'],
    en: ['I need an invoice for {ref}', 'can you issue an invoice for my {item} order', 'invoice please', 'I need a tax invoice for my purchase'],
  },
  human_request: {
    zh: ['转人工', '我要找真人客服', '有没有人工啊', '别跟我绕了,叫个人来', '人工客服在哪', '给我接个客服人员', '找你们工作人员', '别废话了,赶紧给我转人工!!', '机器人听不懂人话,要活人'],
    en: ['let me talk to a real person', 'agent please', 'can I speak to a human?', 'get me a human, this bot is useless', 'I want a live agent', 'connect me to customer service staff', 'stop with the damn bot and get me a person'],
  },
  complaint: {
    zh: ['我要投诉你们的快递员,态度太差了', '投诉!{item}送来就是坏的,你们太不负责了', '你们服务太差了,我要投诉', '我要投诉,客服一直答非所问', '投诉你们送货的,把东西扔门口就走了'],
    en: ['I want to file a complaint about your courier', 'this is unacceptable, I am making a formal complaint', 'I wish to complain about how my order was handled', 'complaint: the {item} arrived broken and nobody cares'],
  },
} satisfies Record<string, ZhEn>;

/** Questions the knowledge base answers, with facts a right answer contains (any one group: all of it). */
export interface KbQuestion {
  text: string;
  facts: readonly (readonly string[])[];
}

export const KB_QUESTIONS: { zh: readonly KbQuestion[]; en: readonly KbQuestion[] } = {
  zh: [
    { text: 'P3净化器适合多大的房间?', facts: [['30', '50']] },
    { text: '净化器的滤网多久换一次啊', facts: [['6个月']] },
    { text: '原装滤网多少钱一个', facts: [['129']] },
    { text: '电视送货包安装吗', facts: [['壁挂'], ['免费', '安装']] },
    { text: '热水器装在什么墙上', facts: [['承重墙']] },
    { text: '买多少钱可以包邮', facts: [['99']] },
    { text: '能用花呗分期吗,分几期', facts: [['12期']] },
    { text: '电视屏幕保修几年?', facts: [['3年']] },
    { text: '可以寄到香港吗', facts: [['30元'], ['顺丰', '香港']] },
    { text: '几点前付款当天能发货', facts: [['16:00']] },
    { text: '积分能抵多少钱', facts: [['100积分'], ['1元']] },
    { text: '退款一般几天到账', facts: [['工作日']] },
    { text: '无理由退货寄回去的运费多少钱', facts: [['12元'], ['买家承担']] },
    { text: '新用户有优惠券吗', facts: [['满100减20']] },
    { text: '买完降价了能退差价吗', facts: [['价格保护']] },
    { text: '积分什么时候过期', facts: [['12月31日']] },
    { text: '被重复扣款了怎么办', facts: [['1–3个工作日'], ['自动原路退回']] },
    { text: '没付款的订单会保留多久', facts: [['30分钟']] },
    { text: '物流三天没更新了正常吗', facts: [['72小时']] },
    { text: '顺丰次日达要加钱吗', facts: [['15元']] },
    { text: '新疆几天能到', facts: [['5–7天']] },
    { text: '专票多久能寄到', facts: [['10个工作日']] },
  ],
  en: [
    { text: 'how big a room can the P3 purifier handle?', facts: [['30', '50']] },
    { text: 'how often do I need to replace the purifier filter', facts: [['6 months']] },
    { text: 'does the TV come with wall mounting?', facts: [['wall-mount'], ['bracket']] },
    { text: 'what wall does the water heater need', facts: [['load-bearing']] },
    { text: 'what is the minimum for free shipping', facts: [['99']] },
    { text: 'can I pay in instalments with Huabei?', facts: [['12 instalments'], ['payment page', 'instalments']] },
    { text: 'how long is the warranty on the TV panel', facts: [['3-year'], ['3 years']] },
    { text: 'do you deliver to Hong Kong', facts: [['30 yuan'], ['SF Express', 'Hong Kong']] },
    { text: 'by what time must I pay for same-day dispatch?', facts: [['16:00']] },
    { text: 'how many working days does a refund take', facts: [['working days']] },
    { text: 'how much is return shipping for a no-reason return', facts: [['12 yuan'], ['customer pays']] },
    { text: 'is there a coupon for new customers?', facts: [['20 off']] },
    { text: 'the price dropped after I paid, can I get the difference back', facts: [['price protection']] },
    { text: 'when do my points expire', facts: [['31 December'], ['December 31']] },
    { text: 'I was charged twice for one order', facts: [['1–3 working days'], ['refunded automatically']] },
    { text: 'how long is an unpaid order kept', facts: [['30 minutes']] },
    { text: 'tracking has not updated for 3 days, what now', facts: [['72 hours']] },
    { text: 'how much extra is SF next-day delivery', facts: [['15 yuan']] },
  ],
};

/** Answers to "refund or exchange?". */
export const TYPE_ANSWERS = {
  refund: { zh: ['退款', '退货退款', '退钱吧', '我要退钱', '钱退给我就行'], en: ['refund', 'I want my money back', 'refund please', 'a refund'] },
  exchange: { zh: ['换货', '换个新的', '给我换一台', '换吧'], en: ['exchange', 'swap it for a new one', 'a replacement please', 'exchange it'] },
} satisfies Record<string, ZhEn>;

/** Reasons in customer words, by class; `judge` words recognise a stored reason of that class. */
export const REASON_CLASSES = {
  quality: {
    zh: ['用了两天就坏了', '开机没反应', '有异响,噪音很大', '质量不行,老出故障', '通电以后一直报错'],
    en: ['it broke after two days', "it won't turn on", 'it makes a loud rattling noise', 'keeps failing, poor quality'],
    judge: ['质量', '坏', '故障', '噪', '异响', '没反应', '报错', 'quality', 'broke', 'defect', 'fault', 'noise', 'rattl', "won't turn on", 'failing'],
  },
  damaged: {
    zh: ['收到的时候外壳裂了', '包装破了,东西也磕坏了', '送来就是碎的'],
    en: ['the casing was cracked when it arrived', 'box was crushed and the unit is dented'],
    judge: ['破损', '裂', '磕', '碎', '压坏', 'damage', 'crack', 'crush', 'dent'],
  },
  wrong_item: {
    zh: ['发给我的型号不对', '你们寄错东西了', '少发了一个配件'],
    en: ['you sent me the wrong model', 'got a different item than I ordered'],
    judge: ['发错', '寄错', '型号不对', '少发', 'wrong', 'different item'],
  },
  not_as_described: {
    zh: ['跟页面上写的不一样', '颜色和图片差太多'],
    en: ["it doesn't match the product page", 'looks nothing like the photos'],
    judge: ['不符', '描述', '不一样', '图片', 'not as described', "doesn't match", 'photo'],
  },
  size: {
    zh: ['尺寸不对,放不下', '太大了家里装不下'],
    en: ['too big for my room', "doesn't fit the space"],
    judge: ['尺寸', '太大', '放不下', '装不下', '规格', 'size', 'too big', 'fit'],
  },
  changed_mind: {
    zh: ['不想要了', '买重复了', '家里人已经买了一台', '冲动消费了,后悔'],
    en: ['changed my mind', 'bought a duplicate by accident', "don't need it anymore"],
    judge: ['不想要', '重复', '已经买', '后悔', '无理由', 'changed my mind', 'duplicate', "don't need", 'no longer'],
  },
} as const;

export type ReasonClass = keyof typeof REASON_CLASSES;

export const CONFIRMS: ZhEn = {
  zh: ['确认', '好的,提交吧', '没问题', '对,就这样', '可以的', '嗯,确认提交', '是的'],
  en: ['yes', 'yes please', 'go ahead', 'confirm', "that's right, submit it", 'sure, do it'],
};

/** A question asked at the confirm step instead of yes or no. */
export const CONFIRM_QUESTIONS = {
  return: { zh: ['退款大概几天能到账?', '寄回去的运费谁出啊?'], en: ['how long does the refund take?', 'who pays for the return shipping?'] },
  cancel: { zh: ['取消了钱多久能退回来?', '取消以后钱原路退吗?'], en: ['how soon do I get my money back if I cancel?', 'does the refund go back to my card?'] },
  address_change: { zh: ['改了地址会晚几天发吗?', '改地址要收钱吗?'], en: ['will changing it delay the shipment?', 'is there a fee for changing it?'] },
  invoice: { zh: ['电子发票发到哪里?', '发票多久能开好?'], en: ['where will the e-invoice be sent?', 'how long until the invoice is issued?'] },
} satisfies Record<string, ZhEn>;

export const CORRECTIONS: ZhEn = {
  zh: ['原因改成{reason}', '不对,原因是{reason}', '刚才说错了,其实是{reason}'],
  en: ['actually the reason is: {reason}', 'change the reason to {reason}', 'sorry, the real reason is {reason}'],
};

/** Order references; `{id}` the order id, `{tail}` its last four characters, `{n}` its place in a list. */
export const ORDER_REFS = {
  id: { zh: ['{id}', '订单号{id}', '是{id}这个', '{id} 这单'], en: ['{id}', 'order {id}', "it's {id}", 'the order number is {id}'] },
  tail: { zh: ['尾号{tail}的那个', '尾号是{tail}'], en: ['the one ending in {tail}', 'ending {tail}'] },
  product: { zh: ['{item}那单', '买{item}的那个', '就是{item}'], en: ['the {item} one', 'the order with the {item}', 'the {item}'] },
  ordinal: { zh: ['第{n}个', '第{n}单', '选第{n}个'], en: ['the {nth} one', 'number {n}', '{nth}'] },
} satisfies Record<string, ZhEn>;

export const ZH_NUMERALS = ['一', '二', '三', '四', '五', '六'] as const;
export const EN_ORDINALS = ['first', 'second', 'third', 'fourth', 'fifth', 'sixth'] as const;

/** Mainland addresses: city+district, road, number, building; the road and number identify it. */
export const ZH_ADDRESS_PARTS = {
  city: ['成都市武侯区', '南京市鼓楼区', '深圳市南山区', '武汉市洪山区', '西安市雁塔区', '苏州市工业园区', '青岛市市南区', '长沙市岳麓区'],
  road: ['科华北路', '中山北路', '高新南七道', '珞喻路', '小寨东路', '星湖街', '香港中路', '麓山南路'],
  building: ['7 栋 2 单元 1803', '11 楼', 'B 座 604 室', '东区 12 栋 305', '3 号楼 1202', '']
};
export const ZH_RECIPIENTS = ['李明', '王芳', '陈静', '赵磊', '周婷'];

/** International and Hong Kong addresses in English; the street identifies it. */
export const EN_ADDRESS_PARTS = {
  street: ['Harbour Road', 'Queen Street', 'Orchard Road', 'Nathan Road', 'Collins Street', 'King Street West'],
  city: ['Wan Chai, Hong Kong', 'Auckland 1010, New Zealand', 'Singapore 238826', 'Tsim Sha Tsui, Kowloon, Hong Kong', 'Melbourne VIC 3000, Australia', 'Toronto ON M5V 1J5, Canada'],
  unit: ['Flat 12B, ', 'Unit 5, ', 'Apt 804, ', ''],
};
export const EN_RECIPIENTS = ['Alex Chan', 'Priya Nair', 'Tom Becker', 'Mei Lin'];

export const ADDRESS_ANSWERS: ZhEn = {
  zh: ['新地址是{addr}', '改到{addr}', '{addr}', '寄到{addr}吧', '地址:{addr}'],
  en: ['new address: {addr}', 'please send it to {addr}', '{addr}', 'ship it to {addr} instead'],
};

export const ADDRESS_CORRECTIONS: ZhEn = {
  zh: ['不是这个地址,是{addr}', '地址写错了,改成{addr}', '等下,地址换成{addr}'],
  en: ['sorry, wrong address, it should be {addr}', 'not that address: {addr}', 'actually make it {addr}'],
};

export const INVOICE_KINDS = {
  personal: { zh: ['个人', '开个人的就行', '抬头写个人'], en: ['personal', 'just me personally', 'an individual invoice'] },
  company: { zh: ['公司', '开公司抬头', '单位报销用,开公司的'], en: ['company', 'to my company', 'a business invoice'] },
} satisfies Record<string, ZhEn>;

export const COMPANIES: ZhEn = {
  zh: ['杭州青禾文化传媒有限公司', '北京星河远航科技有限公司', '苏州木棉贸易有限公司', '成都蓝湾餐饮管理有限公司'],
  en: ['Blue Pine Trading Co., Ltd.', 'Northwind Digital Ltd.', 'Harbour Light Studio Co., Ltd.'],
};

export const COMPANY_ANSWERS: ZhEn = {
  zh: ['{title},税号{tax}', '抬头:{title} 税号:{tax}', '公司名{title} 纳税人识别号{tax}'],
  en: ['company: {title}, tax ID {tax}', '{title}, tax number {tax}'],
};

export const PREFIXES: ZhEn = { zh: ['', '', '', '你好,', '在吗?', '亲,', '您好,', '麻烦问下,', 'hi,'], en: ['', '', '', 'hi, ', 'hello, ', 'hey there, ', 'good morning, '] };
export const SUFFIXES: ZhEn = { zh: ['', '', '。', '!', '?', '~', ',谢谢', ',急'], en: ['', '', '.', '!', ' thanks', ', asap'] };

/** A first message that is only a greeting; the request follows. */
export const GREETINGS: ZhEn = { zh: ['在吗', '你好', '在不在', '有人吗?', '您好,请问在吗'], en: ['hi', 'hello?', 'hey, anyone there?', 'hi there'] };

/** Said when the customer has what they came for, or gives up. */
export const CLOSINGS: ZhEn = { zh: ['好的谢谢', '行吧', '知道了'], en: ['ok thanks', 'alright', 'got it'] };

/** Said when the bot seems lost: the customer restates the goal in other words. */
export const RESTATES: ZhEn = { zh: ['我是说', '你没明白,我的意思是', '再说一遍:'], en: ['I mean', "you didn't get it:", 'again:'] };

/** A rambling customer's run-up before the request. */
export const RAMBLES: ZhEn = {
  zh: ['上周买的,家里人一直在用,今天突然想起来,', '我跟你说,我昨天才收到东西,折腾了半天,', '不好意思打扰了,我是老顾客了,', '唉,本来挺期待的,结果'],
  en: ["so I got this last week and honestly it's been a whole thing, ", 'sorry to bother you, long-time customer here, ', 'ok so my partner ordered this and now ', 'quick one, been meaning to ask for days, '],
};

/** Yes to "shall I open a ticket?" out of hours. */
export const TICKET_ACCEPTS: ZhEn = { zh: ['好的,登记吧', '可以,帮我登记', '行'], en: ['yes, open a ticket', 'ok please do', 'sure'] };

/** Spoken or careless written forms a Chinese customer uses now and then. */
export const ZH_COLLOQUIAL: readonly (readonly [string, string])[] = [['订单', '定单'], ['怎么', '咋'], ['什么', '啥'], ['没有', '木有'], ['吗', '么'], ['一下', '下'], ['这个', '这'], ['快递', '快递小哥那边']];
