/** The vocabulary lists the phrasebook's templates name as `<NAME>` (see phrasebook.ts). */
export const VOCAB: Record<string, string[]> = {
  // Goods, Chinese and English.
  G: ['保温杯', '充电宝', '裤子', '裙子', '外套', 'T恤', '连衣裙', '运动鞋', '鞋子', '靴子', '耳机', '手机壳', '数据线', '台灯', '电饭煲', '空气炸锅', '吹风机', '面膜', '口红', '床单', '枕头', '杯子', '包', '手表', '零食', '茶叶', '玩具', '衣服', '东西', '宝贝', '这个', '那个', '货', '商品', '电视', '净化器', '热水器', '毛衣', '羽绒服', '帽子', '袜子', '水壶', '键盘', '鼠标'],
  GE: ['charger', 'power bank', 'earbuds', 'headphones', 'hoodie', 'jeans', 'dress', 'sneakers', 'boots', 'shoes', 'jacket', 'phone case', 'blender', 'air fryer', 'kettle', 'lamp', 'rice cooker', 'backpack', 'watch', 'mug', 'water bottle', 't-shirt', 'sweater', 'item', 'product', 'stuff', 'thing', 'purchase', 'tv', 'purifier', 'heater', 'keyboard', 'mouse', 'coat', 'socks', 'toy', 'book', 'perfume', 'vacuum'],
  // More goods, only in "do you have / sell …" turns, so the frame, not the noun, carries the intent.
  G2: ['蓝牙音箱', '瑜伽垫', '跑鞋', '墨镜', '雨伞', '围巾', '手套', '帐篷', '蜡烛', '花盆', '办公椅', '毛巾', '平底锅', '咖啡机', '维生素', '洗发水', '防晒霜', '口罩', '电池', '显示器', '打印机', '头盔', '狗粮', '猫砂', '童装', '书包', '钱包', '皮带', '项链', '拖鞋', '充电器', '插座', '蓝牙耳机', '儿童保温杯', '孕妇装', '床垫'],
  GE2: ['wireless earbuds', 'speakers', 'yoga mats', 'running shoes', 'sunglasses', 'umbrellas', 'scarves', 'gloves', 'tents', 'board games', 'candles', 'plant pots', 'desk lamps', 'office chairs', 'pillows', 'towels', 'bed sheets', 'frying pans', 'coffee machines', 'green tea', 'vitamins', 'shampoo', 'sunscreen', 'face masks', 'batteries', 'usb cables', 'monitors', 'printers', 'phone stands', 'bike helmets', 'dog food', 'cat toys', 'baby clothes', 'school bags', 'wallets', 'belts', 'necklaces', 'wireless mice', 'gaming chairs', 'kids shoes'],
  // An order reference as customers give it (the normaliser reduces long numbers to one token).
  ORD: ['KF20261101001', 'KF20261203117', '#4829130', '2026112400187', 'SO88213409', 'ABX2209913', '12345678', 'no. 99127730'],
  // Request frames: what precedes an action in an English turn.
  REQ: ['i need to', 'i want to', 'id like to', 'i would like to', 'can you help me', 'help me', 'how do i', 'how can i', 'where can i', 'could you help me', 'can i', 'is it possible to', 'what do i do to', 'i have to', 'tell me how to', 'wanna', 'i need help to', 'can u', 'i need assistance to', 'show me how to', 'i am trying to', 'im trying to', 'where do i', 'i cant', 'need to', 'want to', 'how to', 'whats the way to', 'i wish to', 'could i', 'i gotta', 'gotta', 'could ya help me', 'can ya', 'would it be possible to', 'how could i', 'where could i', 'what should i do to', 'help to', 'i need support to', 'i want help to', 'i dont know how to', 'i have no idea how to', 'help me to', 'id need to', 'i would need to'],
  // Request frames in Chinese.
  QZ: ['我想', '我要', '想', '帮我', '麻烦', '请问怎么', '怎么', '能不能', '可以', '请帮我', '我需要', '亲 我想', '麻烦帮我', '能帮我', '我想问下怎么', '请问可以', '如何', '我该怎么', '可不可以', '我打算', '要', '你好 我想'],
  // Asking about a topic rather than for an action ("information about…", "咨询一下…").
  INFO: ['i need information about', 'i want information on', 'give me info about', 'i would like details on', 'looking for info on', 'tell me about', 'i have a question about', 'question about', 'can you tell me about', 'i want to know about', 'need help with', 'i need help with', 'i need assistance with', 'i have a problem with', 'issue with', 'info on', 'help me with', 'what about', 'i want to check', 'let me know about'],
  INFOZ: ['想了解一下', '咨询一下', '问一下', '我想问问', '请问一下', '了解下', '想咨询', '问下', '我想知道', '说一下', '关于'],
  // What a shopper asks about an item.
  ATTR: ['颜色', '尺寸', '大小', '重量', '材质', '面料', '成分', '味道', '口味', '产地', '品牌', '型号', '款式', '版本', '功率', '容量', '电池', '续航', '配件', '包装', '规格', '厚度', '长度', '码数', '鞋码', '保质期', '功能', '效果', '做工', '声音', '屏幕', '内存', '气味', '手感', '弹力'],
  ATTRE: ['color', 'size', 'weight', 'material', 'fabric', 'brand', 'model', 'capacity', 'battery life', 'voltage', 'warranty', 'dimensions', 'length', 'ingredients', 'flavour', 'fit', 'quality', 'screen size', 'storage', 'power'],
  // A-not-A questions about an item (冷不冷: is it cold?), common in shop chat.
  ANOTA: ['冷不冷', '热不热', '厚不厚', '薄不薄', '重不重', '大不大', '小不小', '长不长', '硬不硬', '软不软', '紧不紧', '舒不舒服', '暖不暖和', '透不透气', '好不好用', '结不结实', '耐不耐用', '扎不扎', '掉不掉毛', '起不起球', '掉不掉色', '好不好穿', '显不显瘦', '吵不吵', '亮不亮', '甜不甜', '辣不辣', '香不香', '好不好看', '正不正'],
  PRICE: ['80', '99', '100', '50', '两百', '一百', '120', '150', '30', '二十', '九十'],
  DAYS: ['三天', '五天', '一周', '一个星期', '好几天', '十天', '半个月', '两天'],
  DAYSE: ['3 days', 'a week', 'five days', '2 weeks', 'ten days', 'ages', 'forever', 'days'],
  CITY: ['北京', '上海', '广州', '深圳', '杭州', '成都', '武汉', '南京', '新疆', '香港'],
  CITYE: ['london', 'new york', 'berlin', 'toronto', 'sydney', 'paris', 'shanghai', 'canada', 'germany', 'my country', 'australia'],
};
