"""Synthetic shops of many kinds, so that the model learns to read a shop it has never seen.

The demo KB is one electronics-and-appliances shop; a model trained on it and on recombinations of
its own sentences declines ("no information") on a shop with other vocabulary although the right
passage is in its prompt (issue 15). Every call here invents a new shop: a domain (gardening, pets,
cosmetics, groceries, software, travel, ...), invented brand and product names, random figures and
conditions, written as short FAQ entries, long policy texts, price lists and tables, or bilingual
zh/en text. Questions are phrased the way customers ask (not the passage's title) and need a
sentence, a figure, a condition, or an honest "the passages don't say" (a question whose topic is in
none of the passages shown, often beside passages of the same shop).

Nothing here is read from any KB: eval/heldout-shops/ (the held-out evaluation) is never opened.
"""
from __future__ import annotations

import random
import re

# ---- invented vocabulary ------------------------------------------------------------------------
EN_SYL = ['ka', 'lo', 'vi', 'ren', 'tor', 'mi', 'sa', 'zu', 'bel', 'dor', 'fen', 'qui', 'ra', 'nel', 'os', 'tam', 'ver', 'li', 'no',
          'pax', 'el', 'ky', 'mar', 'sol', 'tek', 'ul', 'wen', 'ix', 'bra', 'cor', 'da', 'gal', 'hel', 'jun', 'mo', 'pri', 'sen', 'ta']
ZH_BRAND = list('青禾森语云朵星河木子橙光悦米拾暖阳清泉山岚竹风蓝鲸麦田小鹿白桦花溪初雪松果月影晴川锦鲤诺优嘉卓越简朴乐享安然若水微澜知行')
LETTERS = 'ABCDEFGHJKLMNPRSTVXZ'


def en_brand(rng: random.Random) -> str:
    return ''.join(rng.choice(EN_SYL) for _ in range(rng.randint(2, 3))).capitalize()


def zh_brand(rng: random.Random) -> str:
    return ''.join(rng.sample(ZH_BRAND, 2))


def code(rng: random.Random) -> str:
    return rng.choice(LETTERS) + str(rng.randint(1, 990)) if rng.random() < 0.7 else rng.choice(LETTERS) + rng.choice(LETTERS) + '-' + str(rng.randint(1, 99))


# domain: (en name, zh name, en products, zh products, product fact kinds, extra service kinds)
DOMAINS = {
    'gardening': ('garden centre', '园艺店', ['rose bush', 'lemon tree', 'seed kit', 'garden hose', 'pruning shears', 'planter', 'compost bag'],
                  ['月季苗', '柠檬树', '种子套装', '浇水软管', '修枝剪', '花盆', '有机肥'], ['price', 'water', 'size', 'material', 'warranty'], ['pickup', 'damaged']),
    'pets': ('pet shop', '宠物店', ['dog bed', 'cat tree', 'puppy food', 'fish tank', 'leash', 'bird cage', 'litter box'],
             ['狗窝', '猫爬架', '幼犬粮', '鱼缸', '牵引绳', '鸟笼', '猫砂盆'], ['price', 'petsize', 'material', 'ingredient', 'size'], ['points', 'damaged']),
    'cosmetics': ('beauty store', '美妆店', ['face cream', 'lipstick', 'sunscreen', 'shampoo', 'serum', 'eye palette'],
                  ['面霜', '口红', '防晒霜', '洗发水', '精华液', '眼影盘'], ['price', 'ingredient', 'shelf', 'skin', 'volume'], ['return_cond', 'points', 'giftwrap']),
    'groceries': ('grocery shop', '生鲜超市', ['olive oil', 'oat milk', 'green tea', 'honey', 'rice', 'coffee beans', 'cheese'],
                  ['橄榄油', '燕麦奶', '绿茶', '蜂蜜', '大米', '咖啡豆', '奶酪'], ['price', 'storage', 'ingredient', 'origin', 'volume'], ['slot', 'damaged']),
    'electronics': ('electronics store', '数码店', ['earbuds', 'power bank', 'smart watch', 'keyboard', 'webcam', 'router', 'tablet'],
                    ['耳机', '充电宝', '智能手表', '键盘', '摄像头', '路由器', '平板'], ['price', 'battery', 'warranty', 'size', 'compat'], ['install', 'invoice']),
    'furniture': ('furniture store', '家具店', ['sofa', 'desk', 'bookshelf', 'bed frame', 'dining chair', 'wardrobe'],
                  ['沙发', '书桌', '书架', '床架', '餐椅', '衣柜'], ['price', 'size', 'material', 'assembly', 'warranty'], ['install', 'pickup']),
    'travel': ('travel agency', '旅行社', ['city tour', 'island trip', 'ski package', 'river cruise', 'hiking tour'],
               ['城市游', '海岛游', '滑雪套餐', '游船之旅', '徒步团'], ['price', 'duration', 'includes', 'groupsize'], ['booking', 'cancel_stay', 'insurance']),
    'education': ('online school', '在线课堂', ['English course', 'piano class', 'coding bootcamp', 'math tutoring', 'drawing course'],
                  ['英语课', '钢琴课', '编程训练营', '数学辅导', '绘画课'], ['price', 'schedule', 'lessons', 'age'], ['certificate', 'trial', 'makeup']),
    'software': ('software company', '软件公司', ['Basic plan', 'Pro plan', 'Team plan', 'Business plan'],
                 ['基础版', '专业版', '团队版', '企业版'], ['plan', 'storage_gb', 'seats'], ['trial', 'cancel_sub', 'export', 'refund_sub']),
    'sports': ('sports shop', '运动用品店', ['yoga mat', 'running shoes', 'tennis racket', 'bike helmet', 'dumbbell set', 'tent'],
               ['瑜伽垫', '跑鞋', '网球拍', '骑行头盔', '哑铃套装', '帐篷'], ['price', 'size', 'material', 'weight', 'warranty'], ['return_cond', 'pickup']),
    'books': ('bookshop', '书店', ['novel', 'cookbook', 'travel guide', 'picture book', 'notebook'],
              ['小说', '菜谱', '旅行指南', '绘本', '笔记本'], ['price', 'pages', 'age', 'size'], ['giftwrap', 'preorder']),
    'fashion': ('clothing store', '服装店', ['wool coat', 'linen shirt', 'jeans', 'silk scarf', 'sneakers', 'raincoat'],
                ['羊毛大衣', '亚麻衬衫', '牛仔裤', '真丝围巾', '运动鞋', '雨衣'], ['price', 'material', 'care', 'sizes'], ['return_cond', 'alteration']),
    'toys': ('toy shop', '玩具店', ['building blocks', 'puzzle', 'plush bear', 'toy car', 'board game'],
             ['积木', '拼图', '毛绒熊', '玩具车', '桌游'], ['price', 'age', 'battery', 'material', 'pieces'], ['giftwrap', 'damaged']),
    'coffee': ('coffee roaster', '咖啡烘焙坊', ['espresso blend', 'drip bags', 'cold brew', 'grinder', 'filter papers'],
               ['意式拼配', '挂耳咖啡', '冷萃', '磨豆机', '滤纸'], ['price', 'origin', 'shelf', 'storage', 'volume'], ['subscribe_box', 'slot']),
    'fitness': ('gym', '健身房', ['monthly pass', 'annual pass', 'personal training', 'swim class', 'locker'],
                ['月卡', '年卡', '私教课', '游泳课', '储物柜'], ['price', 'schedule', 'includes'], ['freeze', 'trial', 'hours_gym']),
    'hotel': ('hotel', '酒店', ['double room', 'family suite', 'breakfast', 'airport shuttle', 'spa package'],
              ['大床房', '家庭套房', '早餐', '机场接送', '水疗套餐'], ['price', 'includes', 'roomsize'], ['checkin', 'cancel_stay', 'parking']),
    'flowers': ('florist', '花店', ['rose bouquet', 'tulip box', 'orchid pot', 'wedding bouquet', 'flower subscription'],
                ['玫瑰花束', '郁金香礼盒', '蝴蝶兰盆栽', '婚礼手捧花', '鲜花月订'], ['price', 'care', 'includes'], ['slot', 'card', 'damaged']),
    'baby': ('baby store', '母婴店', ['stroller', 'car seat', 'baby bottle', 'diapers', 'crib'],
             ['婴儿车', '安全座椅', '奶瓶', '纸尿裤', '婴儿床'], ['price', 'age', 'weight', 'material', 'warranty'], ['return_cond', 'install']),
    'music': ('music shop', '乐器行', ['acoustic guitar', 'digital piano', 'violin', 'ukulele', 'drum kit'],
              ['木吉他', '电钢琴', '小提琴', '尤克里里', '架子鼓'], ['price', 'material', 'warranty', 'weight', 'includes'], ['lessons_free', 'install']),
    'phone': ('mobile carrier', '通信运营商', ['Lite SIM plan', 'Max SIM plan', 'family plan', 'data add-on'],
              ['轻享套餐', '畅享套餐', '家庭套餐', '流量包'], ['plan', 'data'], ['cancel_sub', 'roaming', 'esim']),
}

STORE_KINDS = ['delivery', 'shipping_fee', 'return_window', 'refund_time', 'payment', 'hours', 'contact', 'abroad', 'invoice', 'points']

CUR_EN = ['USD', 'EUR', 'GBP', 'yuan', 'CAD', 'SGD']
CUR_ZH = ['元']
EN_PAY = ['Visa', 'Mastercard', 'PayPal', 'Apple Pay', 'bank transfer', 'cash on delivery', 'Alipay', 'WeChat Pay', 'gift cards']
ZH_PAY = ['支付宝', '微信支付', '银联卡', '信用卡', '货到付款', '花呗', '礼品卡', '对公转账']
EN_MAT = ['solid oak', 'recycled plastic', 'stainless steel', 'bamboo', 'organic cotton', 'aluminium', 'walnut', 'linen', 'ceramic', 'silicone', 'merino wool', 'pine']
ZH_MAT = ['实木橡木', '再生塑料', '不锈钢', '竹子', '有机棉', '铝合金', '胡桃木', '亚麻', '陶瓷', '硅胶', '美利奴羊毛', '松木']
EN_ING = ['shea butter', 'vitamin E', 'hyaluronic acid', 'salmon', 'chicken', 'oats', 'almonds', 'peanuts', 'soy', 'aloe vera', 'green tea extract', 'rice bran']
ZH_ING = ['乳木果油', '维生素E', '玻尿酸', '三文鱼', '鸡肉', '燕麦', '杏仁', '花生', '大豆', '芦荟', '绿茶提取物', '米糠']
EN_PLACE = ['Kenya', 'Colombia', 'Yunnan', 'Italy', 'New Zealand', 'Spain', 'Hokkaido', 'Brazil', 'Greece', 'Chile']
ZH_PLACE = ['肯尼亚', '哥伦比亚', '云南', '意大利', '新西兰', '西班牙', '北海道', '巴西', '希腊', '智利']
EN_DAYS = ['Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday', 'Sunday']
ZH_DAYS = ['周一', '周二', '周三', '周四', '周五', '周六', '周日']
EN_STREET = ['Maple Road', 'Harbour Street', 'Elm Avenue', 'Station Lane', 'Park Row', 'Mill Street', 'Bridge Road']
ZH_STREET = ['梧桐路', '滨江大道', '人民路', '解放街', '南京路', '青年路', '文化街', '中山路']
EN_COUNTRY = ['the UK', 'Canada', 'Germany', 'France', 'Japan', 'Australia', 'Singapore', 'the EU', 'the US']
ZH_COUNTRY = ['港澳台', '新加坡', '日本', '韩国', '马来西亚', '澳大利亚', '美国', '加拿大']
EN_CITY = ['Springfield', 'Riverton', 'Lakeside', 'Northgate', 'Ashford', 'Brookville']
ZH_CITY = ['杭州', '成都', '苏州', '南京', '武汉', '西安', '长沙', '厦门']


def n(rng, a, b):
    return rng.randint(a, b)


def money(rng, lo, hi):
    v = rng.randint(lo, hi)
    return str(v) if rng.random() < 0.7 else f'{v}.{rng.choice(["9", "5", "99", "50"])}'


# ---- facts --------------------------------------------------------------------------------------
# A fact is one sentence of a passage and the ways a customer asks for it. `key` is what must be in
# a correct reply (a figure, a name or a short phrase).
def fact(kind, en, zh, qen, qzh, key_en, key_zh, group, topic_en, topic_zh):
    return dict(kind=kind, en=en, zh=zh, qen=qen, qzh=qzh, key_en=key_en, key_zh=key_zh, group=group, topic_en=topic_en, topic_zh=topic_zh)


def store_fact(kind: str, s: dict, rng: random.Random) -> dict:
    ce, cz = s['cur_en'], '元'
    nz, ne = s['noun_zh'], s['noun_en']
    if kind == 'delivery':
        a, b = n(rng, 1, 3), n(rng, 2, 6)
        c = b + n(rng, 1, 5)
        return fact(kind, f'Orders are dispatched within {a} working days and usually arrive in {b}-{c} days.',
                    f'订单在{a}个工作日内发货,一般{b}-{c}天送达。',
                    ['How long does delivery take?', 'When will my order arrive?', 'How many days does shipping take?', f'How fast will I get my {ne}?', 'How soon do you dispatch orders?'],
                    ['多久能到?', '发货后几天送达?', '配送要几天?', f'买了{nz}多久能收到?', '一般几天发货?', '快递要多长时间?'],
                    f'{b}-{c}', f'{b}-{c}', 'shipping', 'Delivery times', '配送时效')
    if kind == 'shipping_fee':
        x, y = money(rng, 3, 15), str(n(rng, 3, 20) * 10)
        return fact(kind, f'Standard shipping costs {x} {ce}, and orders over {y} {ce} ship free.',
                    f'普通快递运费{x}元,订单满{y}元包邮。',
                    ['How much is shipping?', 'Is there free shipping?', 'What does delivery cost?', 'Do I have to pay for shipping?'],
                    ['运费多少?', '满多少包邮?', '邮费怎么算?', '包邮吗?', '运费是多少钱'],
                    y, y, 'shipping', 'Shipping costs', '运费说明')
    if kind == 'return_window':
        d = rng.choice([7, 14, 15, 28, 30, 45, 60, 90])
        return fact(kind, f'Unused items can be returned within {d} days of delivery.',
                    f'未使用的商品可在签收后{d}天内申请退货。',
                    ['Can I return an item?', 'What is your return period?', 'How many days do I have to send something back?', 'How long do I have to return it?'],
                    ['可以退货吗?', '多少天内可以退货?', '退货期限是多久?', '不想要了能退吗?'],
                    str(d), str(d), 'returns', 'Returns', '退货政策')
    if kind == 'refund_time':
        d = n(rng, 2, 14)
        return fact(kind, f'Refunds are paid to the original payment method within {d} working days after we receive the return.',
                    f'收到退货后{d}个工作日内原路退款。',
                    ['When will I get my refund?', 'How long does a refund take?', 'How fast do you refund?'],
                    ['退款多久到账?', '钱什么时候退回来?', '退款要几天?'],
                    str(d), str(d), 'returns', 'Refunds', '退款说明')
    if kind == 'payment':
        ps = rng.sample(EN_PAY, 3)
        pz = rng.sample(ZH_PAY, 3)
        return fact(kind, f'We accept {ps[0]}, {ps[1]} and {ps[2]}.', f'支持{pz[0]}、{pz[1]}和{pz[2]}付款。',
                    ['What payment methods do you accept?', 'How can I pay?', f'Can I pay with {ps[1]}?', 'Which ways of paying do you take?'],
                    ['可以用什么方式付款?', '支持哪些支付方式?', f'能用{pz[1]}吗?', '怎么付钱?'],
                    ps[1], pz[1], 'payment', 'Payment', '支付方式')
    if kind == 'hours':
        d1, d2 = rng.sample(range(7), 2)
        d1, d2 = min(d1, d2), max(d1, d2)
        h1, h2 = n(rng, 7, 10), n(rng, 17, 22)
        return fact(kind, f'Our support team is available {EN_DAYS[d1]} to {EN_DAYS[d2]}, {h1}:00 to {h2}:00.',
                    f'客服工作时间为{ZH_DAYS[d1]}至{ZH_DAYS[d2]} {h1}:00-{h2}:00。',
                    ['What are your opening hours?', 'When is customer service available?', 'What time does support open?', 'Are you open on weekends?'],
                    ['客服几点上班?', '工作时间是什么时候?', '你们几点下班?', '周末有客服吗?'],
                    f'{h1}:00', f'{h1}:00', 'service', 'Customer service hours', '客服时间')
    if kind == 'contact':
        ph = f'{n(rng, 100, 999)}-{n(rng, 100, 999)}-{n(rng, 1000, 9999)}'
        mail = f"{rng.choice(['help', 'support', 'care', 'hello'])}@{s['brand_en'].lower()}.{rng.choice(['com', 'shop', 'net', 'io'])}"
        return fact(kind, f'You can reach us by phone at {ph} or by email at {mail}.', f'可拨打客服电话{ph}或发邮件至{mail}联系我们。',
                    ['How can I contact you?', 'What is your phone number?', 'Do you have an email address?', 'How do I reach customer service?'],
                    ['客服电话是多少?', '怎么联系你们?', '有邮箱吗?', '怎么找到客服?'],
                    ph, ph, 'service', 'Contact us', '联系方式')
    if kind == 'abroad':
        cs = rng.sample(EN_COUNTRY, 2)
        cz = rng.sample(ZH_COUNTRY, 2)
        if rng.random() < 0.5:
            return fact(kind, f'We ship to {cs[0]} and {cs[1]}; international orders take {n(rng, 7, 20)} days longer.',
                        f'可以寄往{cz[0]}和{cz[1]},国际订单需额外{n(rng, 7, 20)}天。',
                        ['Do you ship abroad?', 'Can you deliver overseas?', f'Do you ship to {cs[1]}?', 'Is international shipping available?'],
                        ['可以寄到国外吗?', '能发海外吗?', f'能寄到{cz[1]}吗?', '支持国际快递吗?'],
                        cs[1], cz[1], 'shipping', 'International orders', '海外配送')
        return fact(kind, f'We currently do not ship outside {s["country_en"]}.', f'目前暂不支持寄往{s["country_zh"]}以外的地区。',
                    ['Do you ship abroad?', 'Can you deliver overseas?', 'Is international shipping available?'],
                    ['可以寄到国外吗?', '能发海外吗?', '支持国际快递吗?'],
                    'not ship', '暂不支持', 'shipping', 'International orders', '海外配送')
    if kind == 'invoice':
        d = n(rng, 1, 10)
        return fact(kind, f'An invoice is emailed to you within {d} days after delivery.', f'发票会在签收后{d}天内发送到您的邮箱。',
                    ['Can I get an invoice?', 'How do I receive my invoice?', 'When do I get the invoice?'],
                    ['可以开发票吗?', '发票怎么给?', '发票什么时候开?'],
                    str(d), str(d), 'payment', 'Invoices', '发票')
    if kind == 'points':
        p, x, m_, y = n(rng, 1, 5), n(rng, 1, 10), n(rng, 1, 10) * 100, n(rng, 1, 20)
        return fact(kind, f'Members earn {p} points per {x} {ce} spent, and {m_} points can be redeemed for {y} {ce} off.',
                    f'会员每消费{x}元积{p}分,{m_}积分可抵扣{y}元。',
                    ['How do loyalty points work?', 'Do I earn points?', 'What can I do with my points?'],
                    ['积分怎么算?', '消费有积分吗?', '积分可以抵钱吗?'],
                    str(m_), str(m_), 'payment', 'Membership points', '会员积分')
    raise KeyError(kind)


def service_fact(kind: str, s: dict, rng: random.Random) -> dict:
    ce = s['cur_en']
    pe, pz = s['products'][0]
    if kind == 'pickup':
        st, sz = rng.choice(EN_STREET), rng.choice(ZH_STREET)
        no, h = n(rng, 1, 300), n(rng, 1, 5)
        return fact(kind, f'You can collect your order free of charge at our store at {no} {st}, from {h} pm on the day after ordering.',
                    f'可到{sz}{no}号门店免费自提,下单次日下午{h}点后可取。',
                    ['Can I pick up my order?', 'Is there store pickup?', 'Where can I collect my order?'],
                    ['可以自提吗?', '门店自取在哪?', '能到店里取货吗?'],
                    st, sz, 'shipping', 'Store pickup', '门店自提')
    if kind == 'damaged':
        h = rng.choice([24, 48, 72])
        return fact(kind, f'If an item arrives damaged, send us a photo within {h} hours and we will send a replacement.',
                    f'如收到的商品有破损,请在{h}小时内拍照联系我们,我们会补发新品。',
                    ['My item arrived damaged, what should I do?', 'What if my order is broken?', 'The package came damaged, can you help?'],
                    ['收到的东西坏了怎么办?', '商品破损了怎么处理?', '快递到了发现是坏的'],
                    str(h), str(h), 'returns', 'Damaged items', '破损处理')
    if kind == 'return_cond':
        d = rng.choice([7, 14, 30])
        return fact(kind, f'Opened products can only be returned if they are faulty; unopened ones within {d} days.',
                    f'已拆封的商品仅在有质量问题时可退,未拆封的{d}天内可退。',
                    ['Can I return an opened product?', 'I opened it, can I still return it?', 'Can I send back something I already used?'],
                    ['拆封了还能退吗?', '用过了可以退吗?', '打开包装后能退货吗?'],
                    'faulty', '质量问题', 'returns', 'Opened products', '拆封商品退货')
    if kind == 'giftwrap':
        x = money(rng, 1, 9)
        return fact(kind, f'Gift wrapping with a handwritten card costs {x} {ce} per item.', f'礼品包装(含手写贺卡)每件{x}元。',
                    ['Do you offer gift wrapping?', 'Can you wrap it as a present?', 'How much is gift wrap?'],
                    ['可以礼品包装吗?', '能包装成礼物吗?', '礼盒包装多少钱?'],
                    x, x, 'payment', 'Gift wrapping', '礼品包装')
    if kind == 'install':
        x, c, cz = money(rng, 20, 150), rng.choice(EN_CITY), rng.choice(ZH_CITY)
        return fact(kind, f'Installation is free within {c}; elsewhere it costs {x} {ce}.', f'{cz}市内免费安装,其他地区收取安装费{x}元。',
                    ['Do you install it?', 'Is installation included?', 'How much does installation cost?'],
                    ['包安装吗?', '安装要钱吗?', '上门安装怎么收费?'],
                    x, x, 'service', 'Installation', '安装服务')
    if kind == 'slot':
        h1 = n(rng, 8, 11)
        h2 = h1 + n(rng, 2, 4)
        cut = n(rng, 12, 20)
        return fact(kind, f'Orders placed before {cut}:00 are delivered the next day between {h1}:00 and {h2}:00.',
                    f'{cut}:00前下单,次日{h1}:00-{h2}:00送达。',
                    ['When do you deliver?', 'Can I get next-day delivery?', 'What time will the delivery come?'],
                    ['什么时候送货?', '次日能送到吗?', '几点送达?'],
                    f'{cut}:00', f'{cut}:00', 'shipping', 'Delivery slots', '配送时段')
    if kind == 'card':
        return fact(kind, 'A free message card can be added at checkout, up to 60 characters.', '下单时可免费附赠留言卡,最多60个字。',
                    ['Can I add a message card?', 'Can I include a note with the flowers?'], ['可以写贺卡吗?', '能附留言卡吗?'],
                    '60', '60', 'service', 'Message cards', '留言卡')
    if kind == 'booking':
        h, x = rng.choice([24, 48, 72]), money(rng, 10, 80)
        return fact(kind, f'Bookings can be changed free of charge up to {h} hours before departure; later changes cost {x} {ce}.',
                    f'出发前{h}小时以上可免费改期,之后改期收取{x}元。',
                    ['Can I change my booking?', 'How do I reschedule my trip?', 'Is it possible to change the date?'],
                    ['可以改期吗?', '行程能改日期吗?', '预订后还能换时间吗?'],
                    str(h), str(h), 'booking', 'Changing a booking', '改期规则')
    if kind == 'cancel_stay':
        d = n(rng, 1, 14)
        return fact(kind, f'Cancellation is free until {d} days before arrival; after that the first night or day is charged.',
                    f'到达前{d}天可免费取消,之后取消收取首晚或首日费用。',
                    ['Can I cancel my booking?', 'What is the cancellation policy?', 'Do I get my money back if I cancel?'],
                    ['可以取消预订吗?', '取消要收费吗?', '退订政策是什么?'],
                    str(d), str(d), 'booking', 'Cancellation', '取消政策')
    if kind == 'insurance':
        x = money(rng, 5, 60)
        return fact(kind, f'Travel insurance is optional and costs {x} {ce} per person.', f'旅行保险为自选项目,每人{x}元。',
                    ['Is insurance included?', 'Do I need travel insurance?', 'How much is the insurance?'],
                    ['包含保险吗?', '保险多少钱?', '需要买保险吗?'],
                    x, x, 'booking', 'Insurance', '旅行保险')
    if kind == 'certificate':
        p = rng.choice([70, 75, 80, 90])
        return fact(kind, f'Students who attend at least {p}% of the lessons receive a certificate.', f'出勤率达到{p}%的学员可获得结业证书。',
                    ['Do I get a certificate?', 'Is there a certificate at the end?', 'How can I get a certificate?'],
                    ['有证书吗?', '结课发证书吗?', '怎么拿到证书?'],
                    f'{p}%', f'{p}%', 'booking', 'Certificates', '结业证书')
    if kind == 'trial':
        d = rng.choice([3, 7, 14, 30])
        return fact(kind, f'New customers get a {d}-day free trial, and no credit card is needed to start.', f'新用户可免费试用{d}天,无需绑定银行卡。',
                    ['Is there a free trial?', 'Can I try it first?', 'How long is the trial?'],
                    ['有免费试用吗?', '可以先试试吗?', '试用期多久?'],
                    str(d), str(d), 'plans', 'Free trial', '免费试用')
    if kind == 'makeup':
        h = rng.choice([12, 24, 48])
        return fact(kind, f'A missed lesson can be rescheduled if you tell us at least {h} hours in advance.', f'如需请假,提前{h}小时告知即可免费调课。',
                    ['What if I miss a class?', 'Can I reschedule a lesson?', 'Can I make up a missed lesson?'],
                    ['缺课了怎么办?', '可以调课吗?', '请假能补课吗?'],
                    str(h), str(h), 'booking', 'Missed lessons', '请假调课')
    if kind == 'cancel_sub':
        return fact(kind, 'You can cancel at any time before the next billing date; the current month is not refunded.',
                    '可在下个扣费日前随时取消,当月费用不退。',
                    ['Can I cancel anytime?', 'How do I cancel my subscription?', 'Is there a contract?'],
                    ['可以随时取消吗?', '怎么退订?', '有合约期吗?'],
                    'billing date', '扣费日', 'plans', 'Cancelling', '取消订阅')
    if kind == 'export':
        fmt = rng.choice(['CSV', 'JSON', 'Excel', 'PDF'])
        return fact(kind, f'You can export all your data as {fmt} from Settings > Export at any time.', f'可随时在"设置 > 导出"中将全部数据导出为{fmt}。',
                    ['Can I export my data?', 'How do I download my data?', 'Can I get my data out?'],
                    ['可以导出数据吗?', '数据怎么下载?', '能把数据导出来吗?'],
                    fmt, fmt, 'plans', 'Data export', '数据导出')
    if kind == 'refund_sub':
        d = rng.choice([7, 14, 30])
        return fact(kind, f'Annual plans can be refunded in full within {d} days of purchase.', f'年付套餐购买后{d}天内可全额退款。',
                    ['Can I get a refund on an annual plan?', 'Do you refund yearly subscriptions?', 'What is the refund policy?'],
                    ['年费能退吗?', '年付可以退款吗?', '退款政策是什么?'],
                    str(d), str(d), 'plans', 'Refunds', '退款政策')
    if kind == 'preorder':
        d = n(rng, 2, 6)
        return fact(kind, f'Pre-ordered titles ship on the release day and are charged only when they ship, usually within {d} weeks.',
                    f'预售图书在发售日发货,发货时才扣款,一般{d}周内。',
                    ['How do pre-orders work?', 'When am I charged for a pre-order?'], ['预售怎么发货?', '预订的书什么时候扣款?'],
                    'release day', '发售日', 'shipping', 'Pre-orders', '预售说明')
    if kind == 'alteration':
        x = money(rng, 5, 30)
        return fact(kind, f'Trousers can be shortened in our store for {x} {ce}, ready in {n(rng, 1, 5)} days.', f'裤长可在门店修改,收费{x}元,{n(rng, 1, 5)}天可取。',
                    ['Do you do alterations?', 'Can you shorten trousers?', 'How much is hemming?'],
                    ['可以改裤长吗?', '能修改尺寸吗?', '改衣服要钱吗?'],
                    x, x, 'service', 'Alterations', '修改服务')
    if kind == 'subscribe_box':
        x, w = money(rng, 10, 40), rng.choice([1, 2, 4])
        return fact(kind, f'The coffee subscription costs {x} {ce} per delivery and arrives every {w} weeks; you can pause it any time.',
                    f'咖啡订阅每次{x}元,每{w}周配送一次,可随时暂停。',
                    ['How does the subscription work?', 'How often does the subscription come?', 'Can I pause my subscription?'],
                    ['订阅怎么收费?', '订阅多久送一次?', '订阅能暂停吗?'],
                    x, x, 'plans', 'Subscription', '咖啡订阅')
    if kind == 'freeze':
        m_ = n(rng, 1, 3)
        return fact(kind, f'Members can freeze their pass for up to {m_} months a year, for example when travelling.', f'会员每年可冻结会籍最多{m_}个月,例如出差时。',
                    ['Can I pause my membership?', 'Can I freeze my pass?', 'What if I go travelling?'],
                    ['会员卡可以暂停吗?', '能冻结会籍吗?', '出差期间怎么办?'],
                    str(m_), str(m_), 'plans', 'Freezing a membership', '会籍冻结')
    if kind == 'hours_gym':
        h1, h2 = n(rng, 5, 8), n(rng, 21, 23)
        return fact(kind, f'The gym is open daily from {h1}:00 to {h2}:00.', f'健身房每天{h1}:00至{h2}:00开放。',
                    ['When is the gym open?', 'What are the opening hours?', 'How late are you open?'],
                    ['几点开门?', '营业时间是?', '晚上开到几点?'],
                    f'{h2}:00', f'{h2}:00', 'service', 'Opening hours', '营业时间')
    if kind == 'checkin':
        a, b = n(rng, 13, 16), n(rng, 10, 12)
        return fact(kind, f'Check-in starts at {a}:00 and check-out is by {b}:00.', f'入住时间为{a}:00以后,退房时间为{b}:00之前。',
                    ['What time is check-in?', 'When do I have to check out?', 'Can I check in early?'],
                    ['几点可以入住?', '几点前退房?', '入住时间是几点?'],
                    f'{a}:00', f'{a}:00', 'booking', 'Check-in and check-out', '入住与退房')
    if kind == 'parking':
        x = money(rng, 5, 30)
        return fact(kind, f'Guest parking costs {x} {ce} per night.', f'住客停车每晚{x}元。',
                    ['Is there parking?', 'How much is parking?', 'Can I park my car?'], ['有停车场吗?', '停车怎么收费?', '可以停车吗?'],
                    x, x, 'booking', 'Parking', '停车')
    if kind == 'lessons_free':
        k = n(rng, 1, 4)
        return fact(kind, f'Every instrument comes with {k} free beginner lessons in our studio.', f'购买乐器赠送{k}节入门课。',
                    ['Do you offer lessons?', 'Are lessons included?', 'Is there a free lesson?'], ['送课吗?', '有教学吗?', '买琴送课程吗?'],
                    str(k), str(k), 'service', 'Free lessons', '赠送课程')
    if kind == 'roaming':
        x = money(rng, 2, 15)
        return fact(kind, f'Roaming in {rng.choice(EN_COUNTRY)} costs {x} {ce} per day with 1 GB included.', f'境外漫游每天{x}元,含1GB流量。',
                    ['How much is roaming?', 'Can I use my phone abroad?', 'What does roaming cost?'], ['漫游怎么收费?', '出国能用吗?', '国际漫游多少钱?'],
                    x, x, 'plans', 'Roaming', '国际漫游')
    if kind == 'esim':
        return fact(kind, 'All plans are available as eSIM, activated within 10 minutes of purchase.', '所有套餐都支持eSIM,购买后10分钟内开通。',
                    ['Do you offer eSIM?', 'Can I get an eSIM?', 'How fast is activation?'], ['支持eSIM吗?', '多久能开通?', '有电子卡吗?'],
                    'eSIM', 'eSIM', 'plans', 'eSIM', 'eSIM')
    raise KeyError(kind)


def product_fact(kind: str, pe: str, pz: str, s: dict, rng: random.Random) -> dict:
    ce = s['cur_en']
    g, te, tz = 'product:' + pe, pe, pz
    if kind == 'price':
        x = money(rng, 5, 900)
        return fact(kind, f'The {pe} costs {x} {ce}.', f'{pz}售价{x}元。',
                    [f'How much is the {pe}?', f'What does the {pe} cost?', f'What is the price of the {pe}?', f'{pe} price?'],
                    [f'{pz}多少钱?', f'{pz}什么价格?', f'{pz}卖多少?', f'{pz}的价格是多少'], x, x, g, te, tz)
    if kind in ('size', 'roomsize'):
        a, b = n(rng, 10, 250), n(rng, 10, 200)
        if kind == 'roomsize':
            return fact(kind, f'The {pe} is {a} square metres.', f'{pz}面积{a}平方米。', [f'How big is the {pe}?', f'What size is the {pe}?'],
                        [f'{pz}多大?', f'{pz}有多少平米?'], str(a), str(a), g, te, tz)
        return fact(kind, f'The {pe} measures {a} x {b} cm.', f'{pz}尺寸为{a}×{b}厘米。',
                    [f'How big is the {pe}?', f'What are the dimensions of the {pe}?', f'What size is the {pe}?'],
                    [f'{pz}多大?', f'{pz}尺寸是多少?', f'{pz}有多长?'], str(a), str(a), g, te, tz)
    if kind == 'material':
        i = rng.randrange(len(EN_MAT))
        return fact(kind, f'The {pe} is made of {EN_MAT[i]}.', f'{pz}采用{ZH_MAT[i]}制成。',
                    [f'What is the {pe} made of?', f'What material is the {pe}?', f'Is the {pe} made of plastic?'],
                    [f'{pz}是什么材质?', f'{pz}用什么做的?', f'{pz}是塑料的吗?'], EN_MAT[i], ZH_MAT[i], g, te, tz)
    if kind == 'warranty':
        m_ = rng.choice([6, 12, 18, 24, 36, 60])
        return fact(kind, f'The {pe} comes with a {m_}-month warranty covering manufacturing defects.', f'{pz}享受{m_}个月质保,覆盖非人为质量问题。',
                    [f'What is the warranty on the {pe}?', f'How long is the {pe} guaranteed?', f'Does the {pe} have a warranty?'],
                    [f'{pz}保修多久?', f'{pz}有质保吗?', f'{pz}坏了保修吗?'], str(m_), str(m_), g, te, tz)
    if kind == 'water':
        d, h = n(rng, 2, 10), n(rng, 30, 400)
        return fact(kind, f'Water the {pe} every {d} days in summer; it grows up to {h} cm tall.', f'{pz}夏季每{d}天浇一次水,最高可长到{h}厘米。',
                    [f'How often should I water the {pe}?', f'How tall does the {pe} grow?', f'How do I care for the {pe}?'],
                    [f'{pz}多久浇一次水?', f'{pz}能长多高?', f'{pz}怎么养?'], str(d), str(d), g, te, tz)
    if kind == 'petsize':
        w = n(rng, 2, 40)
        return fact(kind, f'The {pe} suits pets up to {w} kg.', f'{pz}适合{w}公斤以内的宠物。',
                    [f'Is the {pe} big enough for my dog?', f'What size pet is the {pe} for?', f'How heavy a pet can use the {pe}?'],
                    [f'{pz}适合多大的狗?', f'{pz}适合多重的宠物?', f'我家猫能用{pz}吗?'], str(w), str(w), g, te, tz)
    if kind == 'ingredient':
        i = rng.randrange(len(EN_ING))
        return fact(kind, f'The {pe} contains {EN_ING[i]}.', f'{pz}含有{ZH_ING[i]}。',
                    [f'What is in the {pe}?', f'What are the ingredients of the {pe}?', f'Does the {pe} contain {EN_ING[i]}?'],
                    [f'{pz}有什么成分?', f'{pz}含{ZH_ING[i]}吗?', f'{pz}的配料是什么?'], EN_ING[i], ZH_ING[i], g, te, tz)
    if kind == 'shelf':
        m_ = n(rng, 3, 36)
        return fact(kind, f'Unopened, the {pe} keeps for {m_} months.', f'{pz}未开封保质期{m_}个月。',
                    [f'How long does the {pe} keep?', f'What is the shelf life of the {pe}?', f'When does the {pe} expire?'],
                    [f'{pz}保质期多久?', f'{pz}能放多久?', f'{pz}过期时间?'], str(m_), str(m_), g, te, tz)
    if kind == 'skin':
        t = rng.choice([('all skin types', '所有肤质'), ('dry skin', '干性肌肤'), ('oily skin', '油性肌肤'), ('sensitive skin', '敏感肌')])
        return fact(kind, f'The {pe} is suitable for {t[0]}.', f'{pz}适合{t[1]}使用。',
                    [f'Is the {pe} good for sensitive skin?', f'What skin type is the {pe} for?'], [f'{pz}敏感肌能用吗?', f'{pz}适合什么肤质?'],
                    t[0], t[1], g, te, tz)
    if kind == 'volume':
        v = rng.choice([30, 50, 100, 200, 250, 500, 750, 1000])
        u = rng.choice([('ml', '毫升'), ('g', '克')])
        return fact(kind, f'Each {pe} holds {v} {u[0]}.', f'每份{pz}净含量{v}{u[1]}。',
                    [f'How much is in the {pe}?', f'What size is the {pe}?', f'How many {u[0]} is the {pe}?'],
                    [f'{pz}有多少量?', f'{pz}净含量多少?', f'{pz}多大一瓶?'], str(v), str(v), g, te, tz)
    if kind == 'storage':
        a, d = n(rng, 0, 8), n(rng, 2, 10)
        return fact(kind, f'Keep the {pe} refrigerated at {a}-{a + 4}°C and use it within {d} days of opening.', f'{pz}请冷藏保存({a}-{a + 4}°C),开封后{d}天内食用。',
                    [f'How should I store the {pe}?', f'Does the {pe} need refrigeration?', f'How long does the {pe} last after opening?'],
                    [f'{pz}怎么保存?', f'{pz}需要冷藏吗?', f'{pz}开封后能放几天?'], str(d), str(d), g, te, tz)
    if kind == 'origin':
        i = rng.randrange(len(EN_PLACE))
        return fact(kind, f'The {pe} comes from {EN_PLACE[i]}.', f'{pz}产自{ZH_PLACE[i]}。',
                    [f'Where does the {pe} come from?', f'Where is the {pe} from?', f'What is the origin of the {pe}?'],
                    [f'{pz}产地是哪里?', f'{pz}是哪里产的?', f'{pz}从哪来的?'], EN_PLACE[i], ZH_PLACE[i], g, te, tz)
    if kind == 'battery':
        h, m_ = n(rng, 4, 72), n(rng, 30, 180)
        return fact(kind, f'The battery of the {pe} lasts up to {h} hours and charges fully in {m_} minutes.', f'{pz}续航最长{h}小时,充满电需{m_}分钟。',
                    [f'How long does the {pe} battery last?', f'How long does the {pe} take to charge?', f'What is the battery life of the {pe}?'],
                    [f'{pz}续航多久?', f'{pz}充电要多久?', f'{pz}电池能用多长时间?'], str(h), str(h), g, te, tz)
    if kind == 'compat':
        os_ = rng.sample(['Windows', 'macOS', 'Android', 'iOS', 'Linux'], 2)
        return fact(kind, f'The {pe} works with {os_[0]} and {os_[1]}.', f'{pz}支持{os_[0]}和{os_[1]}系统。',
                    [f'Does the {pe} work with {os_[1]}?', f'Which systems does the {pe} support?', f'Is the {pe} compatible with my computer?'],
                    [f'{pz}支持{os_[1]}吗?', f'{pz}兼容什么系统?', f'{pz}能连电脑吗?'], os_[1], os_[1], g, te, tz)
    if kind == 'assembly':
        m_ = n(rng, 10, 90)
        return fact(kind, f'The {pe} arrives flat-packed, and assembly takes about {m_} minutes with the tools included.', f'{pz}为平板包装,使用附带工具约{m_}分钟即可组装。',
                    [f'Does the {pe} need assembly?', f'Is the {pe} hard to put together?', f'How long does it take to assemble the {pe}?'],
                    [f'{pz}需要自己组装吗?', f'{pz}好装吗?', f'{pz}组装要多久?'], str(m_), str(m_), g, te, tz)
    if kind in ('duration', 'lessons', 'pages', 'pieces', 'groupsize'):
        k = n(rng, 2, 14) if kind == 'duration' else n(rng, 4, 48) if kind == 'lessons' else n(rng, 80, 600) if kind == 'pages' else n(rng, 50, 2000) if kind == 'pieces' else n(rng, 6, 30)
        en = {'duration': f'The {pe} lasts {k} days.', 'lessons': f'The {pe} has {k} lessons of {rng.choice([45, 60, 90])} minutes.',
              'pages': f'The {pe} has {k} pages.', 'pieces': f'The {pe} has {k} pieces.', 'groupsize': f'Groups on the {pe} are limited to {k} people.'}[kind]
        zh = {'duration': f'{pz}行程共{k}天。', 'lessons': f'{pz}共{k}节课。', 'pages': f'{pz}共{k}页。', 'pieces': f'{pz}共{k}块。',
              'groupsize': f'{pz}每团最多{k}人。'}[kind]
        qe = {'duration': [f'How long is the {pe}?', f'How many days is the {pe}?'], 'lessons': [f'How many lessons does the {pe} have?', f'How long is the {pe}?'],
              'pages': [f'How many pages does the {pe} have?', f'How long is the {pe}?'], 'pieces': [f'How many pieces are in the {pe}?'],
              'groupsize': [f'How big are the groups on the {pe}?', f'How many people join the {pe}?']}[kind]
        qz = {'duration': [f'{pz}玩几天?', f'{pz}行程多久?'], 'lessons': [f'{pz}一共几节课?', f'{pz}上多少次?'], 'pages': [f'{pz}多少页?', f'{pz}有多厚?'],
              'pieces': [f'{pz}有多少块?'], 'groupsize': [f'{pz}一个团多少人?', f'{pz}人多吗?']}[kind]
        return fact(kind, en, zh, qe, qz, str(k), str(k), g, te, tz)
    if kind == 'includes':
        ie = rng.sample(['breakfast', 'a guide', 'airport transfer', 'towels', 'equipment rental', 'a welcome drink', 'entrance fees', 'a carry case'], 2)
        iz = rng.sample(['早餐', '导游', '接送机', '毛巾', '装备租赁', '欢迎饮品', '门票', '收纳包'], 2)
        return fact(kind, f'The {pe} includes {ie[0]} and {ie[1]}.', f'{pz}包含{iz[0]}和{iz[1]}。',
                    [f'What is included in the {pe}?', f'Does the {pe} include {ie[1]}?', f'What do I get with the {pe}?'],
                    [f'{pz}包含什么?', f'{pz}含{iz[1]}吗?', f'{pz}有哪些服务?'], ie[1], iz[1], g, te, tz)
    if kind == 'schedule':
        d, h = rng.randrange(7), n(rng, 8, 20)
        return fact(kind, f'The {pe} runs every {EN_DAYS[d]} at {h}:00.', f'{pz}每{ZH_DAYS[d]}{h}:00上课。',
                    [f'When is the {pe}?', f'What day is the {pe}?', f'What time does the {pe} start?'],
                    [f'{pz}什么时候上?', f'{pz}周几上课?', f'{pz}几点开始?'], f'{h}:00', f'{h}:00', g, te, tz)
    if kind == 'age':
        a = n(rng, 3, 16)
        return fact(kind, f'The {pe} is suitable for ages {a} and up.', f'{pz}适合{a}岁及以上。',
                    [f'What age is the {pe} for?', f'Is the {pe} OK for a {max(1, a - 2)}-year-old?', f'What is the minimum age for the {pe}?'],
                    [f'{pz}适合几岁?', f'{pz}几岁可以用?', f'{pz}有年龄要求吗?'], str(a), str(a), g, te, tz)
    if kind == 'weight':
        w = f'{n(rng, 1, 30)}.{n(rng, 1, 9)}'
        return fact(kind, f'The {pe} weighs {w} kg.', f'{pz}重{w}公斤。', [f'How heavy is the {pe}?', f'What does the {pe} weigh?'],
                    [f'{pz}多重?', f'{pz}重量是多少?'], w, w, g, te, tz)
    if kind == 'care':
        t = rng.choice([('by hand in cold water and dry flat', '冷水手洗,平铺晾干'), ('at 30°C on a gentle cycle', '30°C轻柔机洗'),
                        ('dry clean only', '仅限干洗'), ('with water changed every 2 days', '每2天换一次水')])
        return fact(kind, f'Clean the {pe} {t[0]}.', f'{pz}的清洁方式:{t[1]}。', [f'How do I wash the {pe}?', f'How do I look after the {pe}?', f'Can the {pe} go in the washing machine?'],
                    [f'{pz}怎么洗?', f'{pz}怎么保养?', f'{pz}能机洗吗?'], t[0].split()[0], t[1][:2], g, te, tz)
    if kind == 'sizes':
        a = rng.choice(['XS', 'S'])
        b = rng.choice(['XL', 'XXL', '3XL'])
        return fact(kind, f'The {pe} comes in sizes {a} to {b}.', f'{pz}有{a}到{b}码。', [f'What sizes does the {pe} come in?', f'Do you have the {pe} in {b}?'],
                    [f'{pz}有哪些尺码?', f'{pz}有{b}吗?'], b, b, g, te, tz)
    if kind == 'data':
        k = n(rng, 1, 6)
        return fact(kind, f'Unused data on the {pe} rolls over for {k} months.', f'{pz}当月未用完的流量可顺延{k}个月。',
                    [f'Does unused data on the {pe} roll over?', f'What happens to leftover data on the {pe}?'],
                    [f'{pz}流量用不完怎么办?', f'{pz}剩余流量能结转吗?'], str(k), str(k), g, te, tz)
    if kind in ('plan', 'storage_gb', 'seats'):
        x = money(rng, 3, 99)
        k = n(rng, 1, 20) * (10 if kind in ('data', 'storage_gb') else 1)
        if kind == 'seats':
            return fact(kind, f'The {pe} includes {k} user seats; extra seats cost {money(rng, 2, 20)} {ce} each per month.', f'{pz}含{k}个账号,额外账号每个每月另收费。',
                        [f'How many users can use the {pe}?', f'How many seats does the {pe} have?', f'Can I add more users to the {pe}?'],
                        [f'{pz}能几个人用?', f'{pz}有几个账号?', f'{pz}能加人吗?'], str(k), str(k), g, te, tz)
        unit_e, unit_z = ('GB of data', 'GB流量') if kind in ('plan', 'data') and s['domain'] == 'phone' else ('GB of storage', 'GB存储空间')
        return fact(kind, f'The {pe} costs {x} {ce} per month and includes {k} {unit_e}.', f'{pz}每月{x}元,包含{k}{unit_z}。',
                    [f'How much is the {pe}?', f'What does the {pe} include?', f'How much {unit_e.split(" of ")[1]} do I get with the {pe}?'],
                    [f'{pz}多少钱?', f'{pz}包含什么?', f'{pz}有多少{unit_z[-4:] if unit_z.endswith("空间") else "流量"}?'], x, x, g, te, tz)
    raise KeyError(kind)


FILLER_EN = ['We pack every order with care.', 'Thank you for shopping with us.', 'Details may change during holidays.',
             'Please keep your order number ready.', 'Our team checks every item before dispatch.', 'This applies to all regular orders.']
FILLER_ZH = ['我们会用心打包每一笔订单。', '感谢您的支持。', '节假日期间可能有所调整。', '咨询时请提供订单号。', '每件商品发货前都会检查。', '以上适用于普通订单。']


def make_shop(rng: random.Random) -> dict:
    domain = rng.choice(list(DOMAINS))
    name_en, name_zh, prods_en, prods_zh, pkinds, skinds = DOMAINS[domain]
    s = {'domain': domain, 'brand_en': en_brand(rng), 'brand_zh': zh_brand(rng), 'cur_en': rng.choice(CUR_EN),
         'country_en': rng.choice(EN_COUNTRY), 'country_zh': rng.choice(['中国大陆', '国内', '大陆']), 'noun_en': rng.choice(prods_en)}
    s['noun_zh'] = prods_zh[prods_en.index(s['noun_en'])]
    idx = rng.sample(range(len(prods_en)), min(len(prods_en), rng.randint(2, 4)))
    products = []
    for i in idx:
        r = rng.random()  # invented names: a brand the model cannot know, sometimes a model code
        pe = f"{s['brand_en']} {prods_en[i]}" if r < 0.4 else f"{en_brand(rng)} {code(rng)} {prods_en[i]}" if r < 0.7 else prods_en[i]
        pz = f"{s['brand_zh']}{prods_zh[i]}" if r < 0.4 else f"{zh_brand(rng)}{code(rng)}{prods_zh[i]}" if r < 0.7 else prods_zh[i]
        products.append((pe, pz))
    s['products'] = products
    facts = []
    for k in rng.sample(STORE_KINDS, rng.randint(4, len(STORE_KINDS))):
        facts.append(store_fact(k, s, rng))
    kinds = {f['kind'] for f in facts}
    for k in skinds:
        if k not in kinds:
            facts.append(store_fact(k, s, rng) if k in STORE_KINDS else service_fact(k, s, rng))
    for pe, pz in products:
        for k in rng.sample(pkinds, rng.randint(2, len(pkinds))):
            facts.append(product_fact(k, pe, pz, s, rng))
    s['facts'] = facts
    return s


def entries_of(s: dict, lang: str, rng: random.Random) -> list[dict]:
    """Groups the shop's facts into KB entries in one of several styles; each entry lists its facts."""
    style = rng.choices(['faq', 'policy', 'list', 'bilingual', 'mixed'], [0.3, 0.25, 0.15, 0.1, 0.2])[0]
    out = []
    groups: dict[str, list[dict]] = {}
    for f in s['facts']:
        groups.setdefault(f['group'], []).append(f)
    for gname, fs in groups.items():
        st = style if style != 'mixed' else rng.choice(['faq', 'policy', 'list'])
        if st == 'list' and not gname.startswith('product:'):
            st = 'policy'
        if st == 'faq':
            for f in fs:
                title = rng.choice(f['qen'][:2]) if lang == 'en' else rng.choice(f['qzh'][:2])
                if rng.random() < 0.3:
                    title = f['topic_en'] if lang == 'en' else f['topic_zh']
                body = f[lang] + ((' ' if lang == 'en' else '') + rng.choice(FILLER_EN if lang == 'en' else FILLER_ZH) if rng.random() < 0.25 else '')
                out.append({'title': title, 'text': body, 'facts': [f], 'sents': {f['kind']: f[lang]}})
        elif st in ('policy', 'bilingual'):
            rng.shuffle(fs)
            parts, sents = [], {}
            filler_at = rng.randrange(len(fs) + 1) if rng.random() < 0.4 else -1
            for i, f in enumerate(fs):
                if i == filler_at:
                    parts.append(rng.choice(FILLER_EN if lang == 'en' else FILLER_ZH))
                if st == 'bilingual':
                    a, b = (f['zh'], f['en']) if rng.random() < 0.5 else (f['en'], f['zh'])
                    parts.append(f'{a} {b}' if lang == 'en' or a == f['en'] else f'{a}{b}')
                else:
                    parts.append(f[lang])
                sents[f['kind']] = f[lang]
            title = (fs[0]['topic_en'] if lang == 'en' else fs[0]['topic_zh']) if not gname.startswith('product:') else fs[0]['topic_en' if lang == 'en' else 'topic_zh']
            if st == 'bilingual':
                title = f"{fs[0]['topic_zh']} / {fs[0]['topic_en']}"
            if gname in ('shipping', 'returns', 'payment', 'plans', 'booking', 'service') and rng.random() < 0.5:
                title = {'shipping': ('Shipping policy', '配送政策'), 'returns': ('Returns and refunds', '退换货与退款'), 'payment': ('Payment and invoices', '支付与发票'),
                         'plans': ('Plans and billing', '套餐与计费'), 'booking': ('Booking terms', '预订须知'), 'service': ('Customer service', '客户服务')}[gname][0 if lang == 'en' else 1]
            out.append({'title': title, 'text': (' ' if lang == 'en' or st == 'bilingual' else '').join(parts), 'facts': fs, 'sents': sents})
        else:  # list: one product's facts as "key: value" lines
            sep = rng.choice(['; ', ' | ', '\n'])
            parts, sents = [], {}
            for f in fs:
                line = ('- ' if sep == '\n' and rng.random() < 0.5 else '') + f[lang].rstrip('.。')
                parts.append(line)
                sents[f['kind']] = line
            title = f"{fs[0]['topic_en']} specifications" if lang == 'en' else f"{fs[0]['topic_zh']}参数"
            out.append({'title': title, 'text': sep.join(parts) + ('.' if lang == 'en' else '。'), 'facts': fs, 'sents': sents})
    rng.shuffle(out)
    return out


def visible(text: str, sent: str, limit: int) -> bool:
    """Whether `sent` is wholly inside what the prompt shows of the passage (cut at `limit` UTF-16 units)."""
    i = text.find(sent)
    return i >= 0 and len(text[:i + len(sent)].encode('utf-16-le')) // 2 <= limit
