import { allMatches } from '../all-matches.ts';
import { contextSign } from '../context.ts';
import type { PiiCandidate, PiiRecognizer } from '../pii-types.ts';
import { COMPOUND_SURNAMES, SINGLE_SURNAMES, SURNAME_INITIAL_WORDS } from './chinese-surnames.ts';
import { INTERNATIONAL_PHONE } from './international-phone.ts';
import { MOBILE, PHONE_CUES } from './phone.ts';
import { isChinesePlace, isEnglishPlace } from './place-names.ts';

/**
 * Personal names. A Chinese name is a known surname and one or two given-name characters, found
 * only where the message says a name comes: after 我叫/姓名/收货人/联系人 and the like, after 我是
 * (weaker), before 先生/女士/小姐, or just before a phone number ("张三 13800001234", "寄给李四,
 * 139…", "张三 [手机号]", the recipient of a parcel), after 寄给. A bare surname with a title ("王先生") identifies no one
 * and is left alone. English names: capitalised words after "my name is", "name:", and, with two
 * words required, after "this is"/"I'm"/"ship to"/"Ship to:". Place names ("Hong Kong", "常州") are not names.
 */

const HAN = /\p{Script=Han}/u;
// Characters that end a given name: particles, pronouns, verbs and nouns that follow a name in a
// sentence ("我叫张伟想问下", "收货人李娜改成…").
const NOT_GIVEN = new Set([...'的了是在我你他她它们这那哪什么怎谁吗呢吧啊呀哦嘛啦和或跟要想请帮把被给就都也还又很太更最不没有从到向对因所但而电手号码址住收货寄件联系订单退换款快递物流票说让叫打去过会能已经现今昨年日时分点上下午晚早个些件位名姓等着得其此您先女士姐改送买拿取签填写用做看查问回吗嘛，。']);
const STOP_WORDS = [
  '电话', '手机', '地址', '身份', '证件', '明天', '一直', '一下', '一致', '一栏', '东西', '全家', '家人', '同事', '朋友', '客服', '开户', '信息', '车牌',
  '护照', '邮箱', '微信', '本人', '发货', '发票', '先生', '女士', '小姐', '同学', '老师', '之前', '以前', '现在', '会员', '没有', '不是', '可以', '谢谢',
  '那里', '明早', '明晚', '老婆', '老公', '小区', '刚才', '刚刚', '如果',
];

function givenLength(text: string, at: number): number {
  let n = 0;
  while (n < 2) {
    const i = at + n;
    const ch = text[i];
    if (ch === undefined || !HAN.test(ch) || NOT_GIVEN.has(ch) || STOP_WORDS.some((w) => text.startsWith(w, i))) break;
    n++;
  }
  return n;
}

/** The end of a name starting at `at`, or -1: a known surname and one or two given-name characters. */
export function readChineseName(text: string, at: number): number {
  const compound = COMPOUND_SURNAMES.find((s) => text.startsWith(s, at));
  const surnameLength = compound !== undefined ? 2 : SINGLE_SURNAMES.has(text[at] ?? '') ? 1 : 0;
  if (surnameLength === 0) return -1;
  const given = givenLength(text, at + surnameLength);
  if (given === 0) return -1;
  if (SURNAME_INITIAL_WORDS.has(text.slice(at, at + 2))) return -1;
  const end = at + surnameLength + given;
  return isChinesePlace(text.slice(at, end)) ? -1 : end;
}

const LABELS = ['收货人', '收件人', '联系人', '寄件人', '签收人', '持卡人', '开户名', '户名', '订货人', '下单人', '购买人', '申请人', '车主', '姓名', '名字', '我叫', '本人'];
const STRONG = new RegExp(
  `(?:${LABELS.join('|')})(?:姓名|名字|名称)?(?:[:：\\s]|是|为|叫|改成|改为|换成|写的是|填的是|写|填)*(?:我的?)?(?:同事|朋友|老婆|老公|妈妈|爸爸|家人|室友|女朋友|男朋友|太太|爱人|儿子|女儿|同学)?`,
  'g',
);
const WEAK = /我是/g;
// "寄给李娜", "邮寄给：王芳": the recipient of a parcel. 寄给我/你们/他 and 寄给妈妈/客户/顺丰 stop at the
// surname check (no surname starts them) or at the stop words.
const SEND_TO = /(?:邮寄给|快递给|寄件给|寄给)[:：\s]{0,3}/g;
const TITLE = /先生|女士|小姐/g;
// Characters that often stand before a name and are also surnames: in "向王女士道歉" the name is not 向王.
const BEFORE_NAME = new Set([...'向和跟给找请叫让对与于同被把由帮问是为替陪等谢催告']);

const EN_STRONG = /\b(?:my name is|my name's|(?:full )?name\s*[:：]|recipient\s*[:：]|contact(?: person)?\s*[:：]|consignee\s*[:：]|attn\.?\s*[:：]?)\s*/giu;
// "Ship to: Mary Smith", the shipping-label form: two capitalised words required, places excluded.
const EN_SHIP_LABEL = /\b(?:ship(?:ping)? to|deliver to|send to|bill to|sold to|ship it to)\s*[:：]\s*/giu;
const EN_WEAK = /\b(?:this is|i'm|i am|ship (?:it |this |the order )?to|deliver (?:it )?to|send (?:it )?to|mr\.?|mrs\.?|ms\.?|miss|dr\.?)\s+/giu;
// A word may have one capital inside after its first letters (O’Neil, McDonald): one optional
// segment that starts with the one character class the first part cannot take, so still one way.
const EN_WORDS = /\p{Lu}[\p{Ll}'’-]+(?:\p{Lu}\p{Ll}+)?(?:[ \t]+\p{Lu}[\p{Ll}'’-]+(?:\p{Lu}\p{Ll}+)?){0,2}/uy;
const EN_NOT_NAMES = new Set([
  'very', 'so', 'not', 'really', 'sorry', 'happy', 'glad', 'here', 'still', 'just', 'the', 'a', 'an', 'order', 'customer', 'your', 'our', 'from', 'in', 'at',
  'on', 'calling', 'writing', 'trying', 'looking', 'going', 'interested', 'unable', 'room', 'building', 'floor', 'unit', 'apt', 'no', 'please', 'thanks', 'china',
  'beijing', 'shanghai', 'hello', 'hi', 'dear', 'customer', 'service', 'support', 'address',
]);

function englishName(text: string, at: number, minWords: number): { start: number; end: number } | null {
  EN_WORDS.lastIndex = at;
  const m = EN_WORDS.exec(text);
  if (m === null) return null;
  const words = m[0].split(/[ \t]+/);
  if (words.length < minWords || EN_NOT_NAMES.has(words[0]!.toLowerCase()) || isEnglishPlace(words)) return null;
  return { start: at, end: at + m[0].length };
}

// What may stand between a recipient's name and the phone number: a few separators and a label.
const SEPARATOR = new Set([...' \t,，、:：;；/']);
// A phone already masked ("张三 [手机号]", "Jane Doe [PHONE_1]") anchors a recipient's name like the number did.
const MASKED_PHONE = /\[(?:手机号|座机|(?:PHONE|TEL)_\d{1,6})\]/g;
const PHONE_LABELS = ['联系电话', '电话号码', '手机号码', '手机号', '电话', '手机', '号码', 'tel', 'phone', 'mobile'];

/** Skips back over at most `max` separators from `at`. */
function skipSeparators(text: string, at: number, max: number): number {
  let i = at;
  while (i > 0 && at - i < max && SEPARATOR.has(text[i - 1]!)) i--;
  return i;
}

/** Where a name would end before the phone number at `phoneStart`: separators, a label, separators. */
function nameEndBeforePhone(text: string, phoneStart: number): number {
  let i = skipSeparators(text, phoneStart, 3);
  const label = PHONE_LABELS.find((l) => text.slice(Math.max(0, i - l.length), i).toLowerCase() === l);
  if (label !== undefined) i = skipSeparators(text, i - label.length, 3);
  return i;
}

/** A name of 2 to 4 characters ending exactly at `end`, not counting a word before it ("给李四" is 李四). */
function chineseNameEndingAt(text: string, end: number): number {
  for (const length of [4, 3, 2]) {
    const at = end - length;
    if (at < 0) continue;
    if (BEFORE_NAME.has(text[at]!) && SINGLE_SURNAMES.has(text[at + 1] ?? '')) continue;
    if (readChineseName(text, at) === end) return at;
  }
  return -1;
}

// "Jane Doe, +44 20 7946 0958": two or three capitalised words ending right before the phone. Run
// on the 70 characters before it only, so the work per phone number is bounded.
const EN_NAME_BEFORE = /(?<![\p{L}'’-])\p{Lu}[\p{Ll}'’-]{1,20}(?:\p{Lu}\p{Ll}{1,20})?(?:[ \t]\p{Lu}[\p{Ll}'’-]{1,20}(?:\p{Lu}\p{Ll}{1,20})?){1,2}$/u;
const EN_NOT_IN_NAME = new Set([
  ...EN_NOT_NAMES, 'call', 'me', 'phone', 'mobile', 'tel', 'number', 'contact', 'text', 'whatsapp', 'office', 'head', 'hotline', 'fax', 'home', 'work', 'cell',
  'street', 'road', 'avenue', 'lane', 'drive', 'way', 'place', 'court', 'parkway', 'boulevard', 'highway', 'square', 'terrace', 'crescent', 'close', 'circle',
  'is', 'my', 'new', 'old', 'recipient', 'sender', 'name', 'thank', 'cheers', 'regards', 'to', 'for', 'and', 'or',
]);

function englishNameBefore(text: string, end: number): number {
  const from = Math.max(0, end - 70);
  const m = EN_NAME_BEFORE.exec(text.slice(from, end));
  if (m === null) return -1;
  // "Recipient Jane Doe", "Thanks Jane Doe": leading words that are no name are dropped.
  const words = m[0].split(/[ \t]/);
  let skip = 0;
  while (skip < words.length && EN_NOT_IN_NAME.has(words[skip]!.toLowerCase())) skip++;
  const name = words.slice(skip);
  if (name.length < 2 || name.some((w) => EN_NOT_IN_NAME.has(w.toLowerCase())) || isEnglishPlace(name)) return -1;
  return end - name.join(' ').length;
}

export const personNameRecognizer: PiiRecognizer = {
  types: ['person_name'],
  find(text) {
    const out: PiiCandidate[] = [];
    const push = (start: number, end: number, score: number) => out.push({ type: 'person_name', start, end, score });
    for (const m of allMatches(STRONG, text)) {
      const at = m.index + m[0].length;
      const end = readChineseName(text, at);
      if (end > 0) push(at, end, 0.85);
      // "收货人：Tom Lee": a romanised or foreign name after a Chinese label.
      const latin = end > 0 ? null : englishName(text, at, 1);
      if (latin !== null) push(latin.start, latin.end, 0.8);
    }
    for (const m of allMatches(WEAK, text)) {
      const at = m.index + m[0].length;
      const end = readChineseName(text, at);
      // "我是" is followed by many things; accept a name only where the clause ends after it.
      if (end > 0 && (end === text.length || /^(?:[\s,，.。!！?？;；~～、]|想|要|在|昨天|上周|今天|刚才|之前|啊|呀)/u.test(text.slice(end)))) push(at, end, 0.65);
    }
    for (const m of allMatches(SEND_TO, text)) {
      const at = m.index + m[0].length;
      const end = readChineseName(text, at);
      if (end > 0) push(at, end, 0.7);
    }
    for (const m of allMatches(TITLE, text)) {
      const at = chineseNameEndingAt(text, m.index);
      if (at >= 0) push(at, m.index, 0.75);
    }
    // A parcel's recipient: the name right before the phone, with no label ("张三 13800001234 北京市…").
    // Not before a number that the context calls an order or a code.
    for (const re of [MOBILE, INTERNATIONAL_PHONE, MASKED_PHONE]) {
      for (const m of allMatches(re, text)) {
        if (contextSign(text, m.index, PHONE_CUES) === -1) continue;
        const end = nameEndBeforePhone(text, m.index);
        const at = chineseNameEndingAt(text, end);
        if (at >= 0) push(at, end, 0.7);
        const latin = at >= 0 ? -1 : englishNameBefore(text, end);
        if (latin >= 0) push(latin, end, 0.6);
      }
    }
    for (const m of allMatches(EN_STRONG, text)) {
      const name = englishName(text, m.index + m[0].length, 1);
      if (name !== null) push(name.start, name.end, 0.85);
    }
    for (const m of allMatches(EN_SHIP_LABEL, text)) {
      const name = englishName(text, m.index + m[0].length, 2);
      if (name !== null) push(name.start, name.end, 0.8);
    }
    for (const m of allMatches(EN_WEAK, text)) {
      const name = englishName(text, m.index + m[0].length, 2);
      if (name !== null) push(name.start, name.end, 0.65);
    }
    return out;
  },
};
