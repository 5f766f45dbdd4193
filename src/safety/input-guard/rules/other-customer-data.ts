/**
 * Other customers' data: asking for someone else's orders, address, phone or name; customer lists
 * and exports; "who bought this"; "the customer whose number starts with 138". A customer's own
 * order, their family's order on their account, the courier's or installer's phone, and "you sent me
 * someone else's parcel" are not requests for other customers' data.
 */
import { anyOf, gap, rx, type Rule } from '../score.ts';

// Not 快递: "其他人的快递都到了" is a complaint about one's own parcel.
const DATA_ZH = anyOf('信息', '资料', '订单', '地址', '收货地址', '住址', '电话', '手机号?', '号码', '姓名', '名字', '数据', '记录', '隐私', '联系方式',
  '购买记录', '身份证', '邮箱', 'address', 'phone', 'numbers?', 'emails?', 'names?', 'info', 'data', 'orders?', 'list', 'contacts?');
// Not 人: "所有人的订单都延迟了吗" asks about delays, not about people.
const PEOPLE_ZH = anyOf('客户', '顾客', '用户', '买家', '会员', '消费者', '收件人');
const ASK_ZH = anyOf('查', '查询', '看看', '看一下', '告诉我', '给我', '发给我', '发我', '调出', '找出', '念', '读', '导出', '列出', '对应出', '提供');
// Common surnames that are not also common word starts (周末, 马桶, 高铁, 方便, 金额 are left out),
// then not a measure word or colour (一张发票, 黄色).
const SURNAME = '[王李张刘陈杨黄赵吴徐孙朱胡郭林罗郑梁谢宋唐韩冯邓曹彭肖董袁潘蒋蔡杜程魏吕沈姚卢姜崔谭汪贾廖韦邹孟熊秦邱尹薛闫侯陶黎顾郝龚邵覃戴莫孔](?!发票|单|图|表|卡|纸|券|票|色|款|件)';
const NOT_NAMED = '(?!(?:my|our|your|the|this|that|his|her|their|a|an|today|tomorrow|yesterday|tonight|week|month|year|it|company|store|shop|mom|mum|dad|wife|husband|son|daughter|brother|sister|kids?|partner|family)\\b)';
const DATA_EN = anyOf('names?', 'address(?:es)?', 'emails?', 'e-mails?', 'phones?', 'phone numbers?', 'numbers', 'contact(?: details| info)?', 'details',
  'info(?:rmation)?', 'orders?', 'data', 'records', 'purchases', 'history', 'accounts?');
const PEOPLE_EN = anyOf('customers?', 'users?', 'members?', 'buyers?', 'clients?', 'shoppers?', 'people', 'consumers?', 'recipients?');
const ASK_EN = anyOf('look up', 'check', 'find', 'pull up', 'get', 'tell me', 'show me', 'give me', 'send me', 'what is', "what's", 'read me', 'list');

export const OTHER_CUSTOMER_DATA: readonly Rule[] = [
  { re: rx`(?:其他|别的|另外的|其它|另一个|另一位)(?:的)?${PEOPLE_ZH}(?:的)?${gap(6)}${DATA_ZH}`, w: 0.85 },
  { re: rx`(?:所有|全部|批量|全体|每个|每一个|每一位)(?:的)?${PEOPLE_ZH}${gap(6)}${DATA_ZH}`, w: 0.8 },
  { re: rx`(?:客户|顾客|用户|会员|买家)(?:的)?(?:名单|列表|资料库|数据库|清单|信息表|通讯录)`, w: 0.75 },
  { re: rx`导出${gap(10)}(?:客户|用户|会员|订单|买家)`, w: 0.75 },
  { re: rx`${ASK_ZH}${gap(6)}(?:别人|其他人|他人|陌生人|那个人|那位|这个人)(?:的)?${gap(6)}${DATA_ZH}`, w: 0.8 },
  { re: rx`(?:别人|他人|陌生人)的${DATA_ZH}`, w: 0.35 },
  { re: rx`${ASK_ZH}${gap(4)}${SURNAME}[\u4e00-\u9fa5]{1,2}(?<!师傅|色|总)的${gap(4)}${DATA_ZH}`, w: 0.65 },
  { re: rx`${SURNAME}[\u4e00-\u9fa5]{1,2}(?<!师傅|色)(?:最近|之前|上次|都)?(?:买了|下单了?|购买了)(?:什么|啥|哪些)`, w: 0.6 },
  { re: rx`(?:订单|单号|运单)${gap(20)}(?:是谁(?:的|买的|下的)|谁买的|谁下的|收件人是谁|买家是谁)`, w: 0.75 },
  { re: rx`(?:谁|哪些人|哪个客户|哪位客户)(?:买了|下单了?|购买了|订了|买过)${gap(12)}(?:联系方式|电话|手机|地址|名字|姓名|信息)`, w: 0.8 },
  { re: rx`(?:谁|哪些人)(?:买了|下单了?|购买了|买过)`, w: 0.3 },
  { re: rx`(?:这个|那个)?(?:手机号|电话|地址|号码)(?:是)?谁的`, w: 0.6 },
  { re: rx`\d{3,4}\s*(?:开头|结尾|打头)${gap(6)}${PEOPLE_ZH}|尾号\s*\d{3,4}${gap(4)}(?:客户|用户|买家|顾客|那个|那位|的人)`, w: 0.8 },
  { re: rx`(?:前男友|前女友|前夫|前妻|邻居|仇人|老板|领导|同学)${gap(20)}(?:地址|电话|手机号|住址|住哪|在哪|订单)`, w: 0.45 },
  { re: rx`(?:上一个|之前|前一个|前面|别的)(?:找你|咨询|问你|来问)的?(?:人|客户|顾客|用户)|(?:上一个|前一个)(?:客户|顾客|用户)`, w: 0.75 },
  { re: rx`收件人的?(?:名字|姓名|地址|电话|手机号)${gap(8)}(?:对应|查出|给我|告诉我|发我)|(?:对应|查出)${gap(8)}收件人`, w: 0.55 },
  { re: rx`(?:今天|今日|所有|全部)(?:要送|派送|配送|发货)的${gap(8)}(?:地址|电话|名单|客户)`, w: 0.7 },
  { re: rx`(?:那个|那位|这个|某个|那些)${gap(8)}(?:用户|客户|买家|顾客)的?(?:电话|手机号?|地址|名字|姓名|联系方式|信息|单号|快递单号)`, w: 0.75 },
  { re: rx`(?:客户|用户|买家|顾客|人)(?:都)?有谁|(?:名单|清单)(?:发|给)我|把(?:客户|用户|会员|买家)?名单`, w: 0.6 },
  { re: rx`(?:手机号|号码|电话|账号|邮箱)${gap(12)}(?:注册|绑定|下单|使用)的(?:人|用户|是谁)|(?:注册|绑定)的(?:人|用户)(?:叫什么|是谁)`, w: 0.65 },
  { re: rx`(?:订单|单号)${gap(20)}(?:收货人|收件人|买家|下单人)的?(?:手机号?|电话|地址|姓名|名字)`, w: 0.35 },
  { re: rx`(?:我要|我想|方便我)(?:联系|找)(?:一下)?(?:他|她|这个人|对方|那个人)`, w: 0.4 },
  { re: rx`(?:买了|买过|购买了?|下单买?了?)${gap(8)}的(?:那个|那位|那些)?${gap(6)}(?:用户|客户|买家|顾客|人)${gap(8)}(?:电话|手机|地址|名字|姓名|联系方式|微信|信息)`, w: 0.75 },
  { re: rx`${SURNAME}(?:先生|女士|小姐|阿姨)的${gap(6)}(?:快递单号|单号|订单|地址|电话|手机号?|信息|联系方式)`, w: 0.55 },
  { re: rx`${SURNAME}[\u4e00-\u9fa5]{1,2}(?<!师傅|色)的${gap(6)}(?:快递单号|单号|订单|地址|电话|手机号?|联系方式)${gap(6)}(?:给我|发我|告诉我|是多少|是什么)`, w: 0.7 },
  // English
  { re: rx`\b(?:other|another|your other)\s+${PEOPLE_EN}(?:'s?)?(?:\s+|的)(?:\w+\s+){0,2}${DATA_EN}\b`, w: 0.85 },
  { re: rx`\b(?:address(?:es)?|phone numbers?|emails?|names?|contact (?:details|info)|numbers?) of (?:(?:the )?(?:customers?|users?|buyers?|people|person|guy|lady|woman|man|reviewer|members?)\s+(?:who|that|whose)|whoever|whomever|everyone who|anyone who)\b`, w: 0.8 },
  { re: rx`\bwhich of (?:your|the|our) (?:customers|users|buyers|members|clients)\b|\b(?:list|names|database|directory) of (?:\w+ )?(?:customers|members|users|buyers|clients)\b`, w: 0.6 },
  { re: rx`\band their (?:phone|address|email|contact|number|name)s?\b|\bwhose is (?:it|this|that)\b|\bnames please\b`, w: 0.4 },
  { re: rx`\btheir (?:phone|address|email|contact|number|name)s?\b`, w: 0.25 },
  { re: rx`\b(?:reviewer|the (?:person|customer|user|buyer) who (?:left|wrote|posted|bought|ordered))(?:'s)?\s+(?:email|phone|address|name|contact|number)`, w: 0.8 },
  { re: rx`\bwhich (?:customers|users|buyers|people|members|clients)\b`, w: 0.5 },
  { re: rx`\bwhich (?:customers|users|buyers|people|members|clients)\b${gap(20)}\b(?:live|bought|ordered|purchased|address|phone|email|names?)\b`, w: 0.75 },
  { re: rx`\b(?:order numbers?|phone numbers?|tracking numbers?)\b[^\n]{0,60}?\b(?:buyer|recipient|customer|owner)(?:'s)? (?:name|address|phone)`, w: 0.65 },
  { re: rx`\b${DATA_EN}\s+(?:of|for)\s+(?:other|all|the other|every|your)\s+${PEOPLE_EN}\b`, w: 0.85 },
  { re: rx`\b(?:list|export|dump|show|give|send|print|download|share|read)\b${gap(20)}\b(?:all|every|the|other|your|today's)\s+(?:${PEOPLE_EN}|orders|shipping list|delivery list)\b${gap(40)}\b${DATA_EN}\b`, w: 0.8 },
  { re: rx`\b(?:customer|user|member|client|buyer)\s+(?:list|database|data|records|emails|addresses|phone numbers|contacts)\b`, w: 0.6 },
  { re: rx`\b${ASK_EN}\s+${NOT_NAMED}(?:[a-z]+\s+)?[a-z]+'s\s+(?:orders?|address|phone|number|account|email|details|info|information|purchases?|delivery|package)\b`, w: 0.65 },
  // not "I'm the one who placed the order"
  { re: rx`(?<!\bone |\bperson |\bguy |\bcustomer )\bwho (?:bought|ordered|purchased|placed)\b[^\n]{0,60}?\b(?:contact|phone|address|email|name|details)`, w: 0.8 },
  { re: rx`(?<!\bone |\bperson |\bguy |\bcustomer )\bwho (?:bought|ordered|purchased)\b|\bwhose (?:order|address|phone|package|number)\b`, w: 0.45 },
  { re: rx`\b(?:phone|number|mobile)\s+(?:number\s+)?(?:starting|beginning|ending|that starts|that ends|which starts|which ends|starts|ends)\s+(?:with|in)\s+\d`, w: 0.55 },
  { re: rx`\b${PEOPLE_EN}\b${gap(30)}\b(?:starting|beginning|ending|starts|ends) (?:with|in) \d`, w: 0.6 },
  { re: rx`\b(?:someone|somebody) else's (?:order|address|phone|details|account|info)`, w: 0.3 },
  { re: rx`\b(?:look up|show me|tell me|give me|send me|find|check)\b${gap(10)}\b(?:someone|somebody) else's (?:order|address|phone|details|account|info)`, w: 0.75 },
  { re: rx`\b(?:what|what's|tell me|give me|send me|find|look up|show me|where does|where do)\b[^\n]{0,60}?\b(?:neighbou?r|ex|ex-(?:boyfriend|girlfriend|wife|husband)|coworker|colleague|roommate)\b|\b(?:neighbou?r|ex|ex-(?:boyfriend|girlfriend|wife|husband)|coworker|colleague|roommate)\b[^\n]{0,60}?\b(?:what|what's|tell me|give me|send me|find|look up|show me)\b[^\n]{0,30}?\b(?:address|phone|number|email)\b`, w: 0.55 },
  { re: rx`\b(?:address|phone|number|email|name) (?:on|for|of) (?:her|his|their) (?:order|account|package|parcel)`, w: 0.35 },
  { re: rx`\b(?:customer|person|user|people|someone) (?:before me|ahead of me)\b|\b(?:other|previous|last) (?:customer|user|person)(?:'s)? (?:asked|said|wrote|chat|conversation|question)`, w: 0.75 },
  { re: rx`\b(?:buyer|recipient|customer|sender)(?:'s)? (?:name|address|phone)\b${gap(20)}|\b(?:reply|respond|answer) with the (?:buyer|recipient|customer)(?:'s)?`, w: 0.35 },
];
