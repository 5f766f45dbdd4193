import { allMatches } from '../all-matches.ts';
import { applyContext, type ContextCues } from '../context.ts';
import type { PiiCandidate, PiiRecognizer } from '../pii-types.ts';
import { scanZhAddresses } from './scan-zh-address.ts';
import { CITIES } from './zh-cities.ts';

/**
 * Street addresses. A Chinese address is a run of components — province, city, district, town,
 * road with a house number, residential compound or building, unit and room — and counts only
 * when it reaches street level: a road with a number, a compound with a building or room, a
 * road with a named building, or a village or compound in a named town. "我在北京", "朝阳区能送吗" and "中山路那家店" are places, not
 * addresses. English: house number, street name and street type, then comma-separated places.
 */

const ADDRESS_CUES: ContextCues = {
  positive: ['地址', '寄到', '送到', '寄往', '送往', '发到', '住在', '住', '家在', '收货', '放在', 'address', 'ship to', 'deliver to', 'send to', 'live'],
  window: 10,
  boost: 0.15,
};

export { CITIES } from './zh-cities.ts';

const PROVINCE = '(?:北京|天津|上海|重庆)市?|(?:河北|山西|辽宁|吉林|黑龙江|江苏|浙江|安徽|福建|江西|山东|河南|湖北|湖南|广东|海南|四川|贵州|云南|陕西|甘肃|青海|台湾)省?|内蒙古(?:自治区)?|广西(?:壮族自治区)?|西藏(?:自治区)?|宁夏(?:回族自治区)?|新疆(?:维吾尔自治区)?|(?:香港|澳门)(?:特别行政区)?';
// Run over the first 10 characters of a match only, so its cost does not grow with the message.
const KNOWN_START = new RegExp(`${PROVINCE}|(?:${CITIES.join('|')})市?`, 'u');

// Every repetition is bounded and the pieces cannot overlap (a number, capitalised words separated
// by spaces and each ending at a word boundary, a street type, a postcode), so the work per start
// position is bounded: linear in the message. After the street come comma-separated places, then
// an optional postcode (UK "NW1 6XE", Canadian "K1A 0B1", US ZIP or ZIP+4 after the state, a
// four- to six-digit postcode, as in Singapore, and a city) and a country.
const EN_STREET_TYPES = 'Road|Rd|Street|St|Avenue|Ave|Lane|Ln|Boulevard|Blvd|Drive|Dr|Way|Highway|Hwy|Parkway|Pkwy|Place|Pl|Court|Ct|Terrace|Crescent|Close|Square|Sq|Circle';
const EN_PLACE_WORD = "[A-Z][A-Za-z']{1,20}\\b";
const EN_POSTCODE = '[A-Z]{1,2}\\d[A-Z\\d]?\\s?\\d[A-Z]{2}|[A-Z]\\d[A-Z]\\s?\\d[A-Z]\\d|\\d{4,6}(?:-\\d{4})?(?:\\s[A-Z][a-z]{2,20})?';
const EN_ADDRESS = new RegExp(
  `(?:\\b(?:Room|Rm\\.?|Apt\\.?|Unit|Suite|Flat|Floor|Building|Bldg\\.?)\\s{0,3}[\\w-]{1,12},?\\s{0,3}){0,3}\\b\\d{1,10}[A-Za-z]?\\s{1,3}(?:[A-Z][a-z']{1,20}\\s{1,3}){1,3}(?:${EN_STREET_TYPES})\\b\\.?` +
    `(?:,\\s{0,3}${EN_PLACE_WORD}(?:\\s{1,3}${EN_PLACE_WORD}){0,3}){0,3}(?:,?\\s{1,3}(?:${EN_POSTCODE})\\b(?:,\\s{0,3}${EN_PLACE_WORD}(?:\\s{1,3}${EN_PLACE_WORD}){0,2})?)?`,
  'g',
);

// "221B Baker": a house number may end in a letter.
const HAS_STREET_WORD = /[路街道巷弄号栋幢室楼区园村苑城府院]|\d[A-Za-z]?\s{1,3}[A-Z]/;

export const addressRecognizer: PiiRecognizer = {
  types: ['address'],
  find(text) {
    if (!HAS_STREET_WORD.test(text)) return [];
    const out: PiiCandidate[] = [];
    for (const m of scanZhAddresses(text)) {
      const lead = text[m.start] === ' ' ? 1 : 0;
      const head = text.slice(m.start + lead, Math.min(m.end, m.start + lead + 10));
      // "公司广州市…": start at the province or city when the match begins with other words.
      const known = KNOWN_START.exec(head);
      const skip = known !== null && known.index > 0 && !/[省市区县]/.test(head.slice(0, known.index)) ? known.index : 0;
      const start = m.start + lead + skip;
      const hasAdmin = /^(?:.{0,12}?)[省市区县镇]/u.test(text.slice(start, start + 14));
      const score = applyContext(text, start, hasAdmin ? 0.8 : 0.7, ADDRESS_CUES);
      out.push({ type: 'address', start, end: m.end, score });
    }
    for (const m of allMatches(EN_ADDRESS, text)) {
      out.push({ type: 'address', start: m.index, end: m.index + m[0].length, score: applyContext(text, m.index, 0.7, ADDRESS_CUES) });
    }
    return out;
  },
};
