/**
 * A delivery address as customers send it, in the PII-masked text the flows see: the address
 * itself (a pseudonym such as [ADDRESS_1] once the PII engine found it, else the words), and the
 * recipient's name and phone when given with it ("张三 [PHONE_1] [ADDRESS_1]", "send to [NAME_1],
 * +44 20 7946 0958, 221B Baker Street, London NW1 6XE"). Every pattern here is linear: bounded
 * repetition, no nested quantifiers.
 */
export interface AddressParts {
  address: string;
  recipientName?: string;
  recipientPhone?: string;
}

const ADDRESS_PSEUDONYM = /\[ADDRESS_\d+\]/;
const NAME_PSEUDONYM = /\[NAME_\d+\]/;
const PHONE_PSEUDONYM = /\[(?:PHONE|TEL)_\d+\]/;
// Phones the PII engine may leave as they are: mainland mobiles, +country numbers, 0-prefixed landlines.
const RAW_PHONE = /(?<![\w+])(?:1[3-9]\d{9}|\+\d{1,3}(?:[ -]?\(?\d{1,4}\)?){2,5}|\(?0\d{2,4}\)?[ -]?\d{3,4}[ -]?\d{3,4})(?![\w])/;

// Chinese: administrative or street words. International: a house number and a street word, a
// street word and a number (European order), or a postcode in a comma-separated address.
const ZH_PLACE = /[省市区县镇乡村路街道巷弄号楼栋室幢座]|单元|小区|大厦|花园|公寓/;
const STREET_WORDS = 'street|st|road|rd|avenue|ave|lane|ln|boulevard|blvd|drive|dr|way|place|pl|court|ct|terrace|crescent|close|square|sq|parkway|pkwy|highway|hwy|circle|row|mews|gardens|hill|walk';
const NUMBER_STREET = new RegExp(`\\b\\d{1,6}[A-Za-z]?\\s+(?:[\\p{L}'.-]{1,30}\\s+){0,4}(?:${STREET_WORDS})\\b`, 'iu');
const STREET_NUMBER = /[\p{L}-]{0,30}(?:straße|strasse|str\.|weg|gasse|platz|allee|laan|straat|gade|vej|gatan|vägen|veien)\s{0,3}\d{1,5}|\b(?:rue|via|viale|calle|avenida|av\.|piazza|plaza|carrer|rua|boulevard)\s+[\p{L}' -]{2,40}\d{1,5}|\b\d{1,5},?\s+(?:rue|via|calle|avenida|rua)\b/iu;
const POSTCODE = /\b[A-Z]{1,2}\d[A-Z\d]?\s?\d[A-Z]{2}\b|\b[A-Z]{2}\s\d{5}(?:-\d{4})?\b|\b\d{4,5}\s[A-Z][\p{L}]{2,30}|\b[A-Z]\d[A-Z]\s?\d[A-Z]\d\b|\bP\.?O\.? Box\s\d{1,6}/u;

export function looksLikeAddress(text: string): boolean {
  if (ADDRESS_PSEUDONYM.test(text)) return true;
  if (/[?？]\s*$|吗\s*$/.test(text)) return false;
  const t = text.trim();
  if (t.length < 6 || t.length > 300) return false;
  if (ZH_PLACE.test(t) && /\p{Script=Han}{2}/u.test(t) && (/\d/.test(t) || /[路街道巷弄号楼栋室村]|小区|大厦/.test(t))) return true;
  if (NUMBER_STREET.test(t) || STREET_NUMBER.test(t)) return true;
  return POSTCODE.test(t) && /\d/.test(t.replace(POSTCODE, '')) && /,/.test(t);
}

/** Words around an address that are not part of it ("新地址是", "please send it to", "收货人"). */
const LEAD = /^(?:[\s,，:：;；.。]|不是这个?地址|不是这个|不对|应该是|新地址|收货地址|地址|改成|改为|改到|换成|寄到|送到|发到|寄给|送给|发给|是|为|new address|address|change (?:it|the address) to|please|call|send (?:it |this |the order )?to|ship (?:it |this |the order )?to|deliver (?:it )?to|to|recipient|收货人|收件人|联系人|姓名|name|电话|手机|phone|tel|mobile){1,8}/i;
const NAME_LABEL = /(?:收货人|收件人|联系人|姓名|recipient|name)\s{0,2}[:：是为]?\s{0,2}(\p{Script=Han}{2,4}|\p{Lu}\p{Ll}{1,20}(?: \p{Lu}\p{Ll}{1,20}){0,2})/u;
const PHONE_LABEL = /(?:电话|手机|联系方式|phone|tel|mobile)\s{0,2}[:：是为]?\s{0,2}$/i;

// Labels of the parts, wherever they stand once the parts are cut out.
const LABELS = /(?:新地址|收货地址|详细地址|地址|收货人|收件人|联系人|姓名|联系电话|电话|手机号?|联系方式)\s{0,2}[:：是为]?|\b(?:recipient|name|phone|tel|mobile|address)\s{0,2}[:：]/gi;

// Words before a phone number that are not a name: verbs of the request, pronouns, labels.
const NOT_A_NAME = /[改换寄送发我您的是为到给址话机收请帮号码]|^(?:Please|Send|Ship|Deliver|Address|Phone|Tel|Mobile|Call|Hi|Hello|Thanks|Contact|New)\b/u;

function cut(text: string, start: number, end: number): string {
  return `${text.slice(0, start)} , ${text.slice(end)}`;
}

/**
 * When the PII engine found the address, it starts at the pseudonym unless the words before it
 * are part of the address too ("Unit 5, [ADDRESS_1]"); what follows is kept ("[ADDRESS_1] West,
 * Melbourne VIC 3000": the engine may take in only part of it) without a closing "谢谢"/"thanks".
 */
// Where a sentence ends inside the text before an address ("…can you fix it. 135 Queen Street"):
// 。！？ and a line break always, "." "!" "?" when a space follows and the word before is no street
// or unit abbreviation ("St. 5", "No. 12", "Apt. 3" stay inside the address).
const ABBREVIATION = /(?:^|[^\p{L}])(?:st|no|apt|rd|ave|blvd|dr|ln|fl|rm|ste|bldg|mt|ft|unit)$/iu;
function endsSentence(text: string, i: number): boolean {
  const c = text[i]!;
  if ('。！？\n'.includes(c)) return true;
  if (!'.!?'.includes(c) || !/\s/.test(text[i + 1] ?? '')) return false;
  return c !== '.' || !ABBREVIATION.test(text.slice(Math.max(0, i - 6), i));
}

// A clause that is chatter, not part of an address: a request, an order reference, a complaint.
const CHATTER = /[?？]|订单|单号|帮我|麻烦|可以|能不能|请问|错了|改一下|\b(?:order|can|could|would|please|help|fix|wrong|hi|hello|hey|thanks|my|need|want)\b|[A-Z]{2}\d{6,}|\d{9,}/i;

/**
 * Where the address begins in the text before its pseudonym: the clauses right before it (back to
 * a sentence end) that read as address parts ("Unit 5, [ADDRESS_1]", "3号楼2单元 [ADDRESS_1]"),
 * never the chatter before them ("wrong address on order KF…, can you fix it. 135 [ADDRESS_1]").
 * One backward pass over the text: linear.
 */
function addressPartsBefore(before: string): number {
  let start = before.length;
  let end = before.length;
  for (let i = before.length - 1; i >= -1; i--) {
    const boundary = i === -1 || endsSentence(before, i) || ',，;；'.includes(before[i]!);
    if (!boundary) continue;
    const clause = before.slice(i + 1, end).trim();
    if (clause !== '') {
      const partOfAddress = clause.length <= 40 && (/\d/.test(clause) || ZH_PLACE.test(clause) || NUMBER_STREET.test(clause)) && !CHATTER.test(clause);
      if (!partOfAddress) break;
      start = i + 1;
    }
    if (i === -1 || endsSentence(before, i)) break;
    end = i;
  }
  return start;
}

function aroundPseudonym(address: string): string {
  const m = ADDRESS_PSEUDONYM.exec(address);
  if (m === null) return address;
  const start = addressPartsBefore(address.slice(0, m.index));
  return address
    .slice(start)
    .replace(/[\s,，。.!！~～]{0,6}(?:谢谢|多谢|麻烦了|辛苦了|thanks|thank you|please|pls)?[\s,，。.!！~～]{0,6}$/i, '')
    .trim();
}

const ADDRESS_CUE = /寄到|送到|发到|改到|改成|改为|换成|新地址(?:是|为)?|地址(?:是|为|[:：])|(?:ship|send|deliver|post)(?: it| this| the order| them)? to\b|new address(?: is)?\s{0,2}[:：]?|address(?: is)?\s{0,2}[:：]|change (?:it|the address) to\b/gi;

/** Where the text after the last match of `re` (global) starts, or null. */
function lastMatch(re: RegExp, text: string): number | null {
  let end: number | null = null;
  re.lastIndex = 0;
  for (let m = re.exec(text); m !== null; m = re.exec(text)) {
    end = m.index + m[0].length;
    if (m[0].length === 0) re.lastIndex++;
  }
  return end;
}

const EDGE = new Set([...' \t\n,，。.!！']);

/** Separators off both ends, by index: a `[…]+$` pattern would rescan long runs of them (quadratic). */
function trimEdges(text: string): string {
  let start = 0;
  let end = text.length;
  while (start < end && EDGE.has(text[start]!)) start++;
  while (end > start && EDGE.has(text[end - 1]!)) end--;
  return text.slice(start, end);
}

/** Words after an address that are not part of it ("…305,急", "…644 号吧", "…Australia thanks"). */
function withoutFiller(address: string): string {
  return address.replace(/(?:[\s,，。.!！~～]{0,6}(?:吧|啊|呀|哦|哈|呢|急|谢谢|多谢|麻烦了|辛苦了|asap|thanks|thank you|please|pls|instead)){0,3}[\s,，。.!！~～]{0,6}$/i, '').trim();
}

/** The address and the recipient given with it, or null when the message holds no address. */
export function parseAddressParts(input: string): AddressParts | null {
  let rest = input.trim();
  let phone: string | undefined;
  let name: string | undefined;
  let phoneAt = -1;
  const phoneMatch = PHONE_PSEUDONYM.exec(rest) ?? RAW_PHONE.exec(rest);
  if (phoneMatch !== null) {
    phone = phoneMatch[0].trim();
    phoneAt = phoneMatch.index;
    rest = cut(rest, phoneMatch.index, phoneMatch.index + phoneMatch[0].length);
  }
  const namePseudonym = NAME_PSEUDONYM.exec(rest);
  if (namePseudonym !== null) {
    name = namePseudonym[0];
    rest = cut(rest, namePseudonym.index, namePseudonym.index + namePseudonym[0].length);
  } else {
    const labelled = NAME_LABEL.exec(rest);
    if (labelled !== null) {
      name = labelled[1]!;
      rest = cut(rest, labelled.index, labelled.index + labelled[0].length);
    } else if (phoneAt > 0) {
      // "张三 13800001234 北京市…", "to Jane Doe, +44 …": the words right before the phone.
      const before = input.slice(0, phoneAt).replace(PHONE_LABEL, '').replace(/[\s,，:：]{1,6}$/, '');
      const han = /\p{Script=Han}{2,8}$/u.exec(before)?.[0]?.replace(/^(?:请)?(?:寄给|送给|发给|交给|给|收货人|收件人|联系人|是)/u, '');
      const latin = /(?:^|[\s,])(\p{Lu}\p{Ll}{1,20}(?: \p{Lu}\p{Ll}{1,20}){0,2})$/u.exec(before)?.[1];
      const bare = han !== undefined && han.length >= 2 && han.length <= 4 ? han : latin;
      if (bare !== undefined && !ZH_PLACE.test(bare) && !NOT_A_NAME.test(bare)) {
        name = bare;
        const at = rest.indexOf(bare);
        if (at >= 0) rest = cut(rest, at, at + bare.length);
      }
    }
  }
  // Chatter before the address ("hi, wrong address on my order, new address: …", "…想改一下,寄到…")
  // ends at the last phrase that introduces it.
  const cue = lastMatch(ADDRESS_CUE, rest);
  if (cue !== null) rest = rest.slice(cue);
  const address = trimEdges(rest.replace(LABELS, ' , ').replace(LEAD, '')).replace(/(?:\s{0,3}[,，]){2,8}\s{0,3}/g, ', ').replace(/\s,\s/g, ', ').replace(/^,\s|,\s$/g, '').trim();
  if (!looksLikeAddress(address)) return null;
  return { address: withoutFiller(aroundPseudonym(address)), ...(name === undefined ? {} : { recipientName: name }), ...(phone === undefined ? {} : { recipientPhone: phone }) };
}
