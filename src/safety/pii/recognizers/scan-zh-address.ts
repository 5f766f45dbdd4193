/**
 * Chinese street addresses, found by a hand-written scanner in time linear in the message.
 *
 * The grammar is the one the address recognizer used to run as a single regular expression:
 *
 *   address = [province] { [" "] (city | admin) } [" "] core { [" "] (road [number] | place | place-word | unit) }
 *   core    = road number | place unit | road place | town place
 *
 * As a backtracking regex it was exponential: "北京市" is a city or an admin unit, "北京朝阳区"
 * one admin unit or a city and a unit, so a run of them has 2^n readings to try before failing
 * (issue 13: "北京市朝阳区" × 18 held a core for 48 s). Here every component is a bounded name run
 * plus a suffix, or a digit run measured once, so the components starting at a position are found
 * in constant time; one right-to-left pass then computes, for each position, the furthest end a
 * parse can reach from it (the longest address, where the regex took the first one it found),
 * and one left-to-right pass reports the leftmost addresses. Positions are code points, so
 * characters outside the BMP count once, as they did under the regex's `v` flag.
 */

import { CITIES } from './zh-cities.ts';

/** A span in UTF-16 offsets, like `RegExp` indexes. */
export interface AddressSpan {
  start: number;
  end: number;
}

// Characters that cannot be part of a place name: particles, pronouns and the verbs around an
// address ("寄到", "住在", "改成"). They keep a match from swallowing the words before it.
const STOP = '的了是在我你他她它们到寄送住往帮请改把给或写填就也还又很要想能已这那哪什么怎谁吗呢吧啊呀哦嘛啦谢麻烦址收件电话为从与及至去您咱';
const HAN_NUM = '一二三四五六七八九十百零';

const PROVINCES = [
  ...['北京', '天津', '上海', '重庆'].flatMap((p) => [p, `${p}市`]),
  ...['河北', '山西', '辽宁', '吉林', '黑龙江', '江苏', '浙江', '安徽', '福建', '江西', '山东', '河南', '湖北', '湖南', '广东', '海南', '四川', '贵州', '云南', '陕西', '甘肃', '青海', '台湾'].flatMap((p) => [p, `${p}省`]),
  '内蒙古', '内蒙古自治区', '广西', '广西壮族自治区', '西藏', '西藏自治区', '宁夏', '宁夏回族自治区', '新疆', '新疆维吾尔自治区',
  '香港', '香港特别行政区', '澳门', '澳门特别行政区',
];
const CITY_WORDS = CITIES.flatMap((c) => [c, `${c}市`]);
const ADMIN_WORDS = ['市南区', '市北区', '市中区'];
const ADMIN_SUFFIXES = ['自治州', '自治县', '地区', '新区', '开发区', '市', '盟', '区', '县', '旗', '镇', '乡', '街道'];
const TOWN_SUFFIXES = ['镇', '乡', '街道'];
const ROAD_SUFFIXES = ['大道', '大街', '路', '街', '道', '巷', '弄', '胡同', '里'];
const NUMBER_SUFFIXES = ['号院', '号', '弄'];
const PLACE_SUFFIXES = ['小区', '花园', '家园', '公寓', '大厦', '广场', '中心', '大楼', '苑', '园', '村', '城', '府', '邸', '湾', '庭', '阁', '公馆', '大学', '学院', '医院', '酒店', '校区', '产业园', '工业园', '科技园', '商场', '院'];
const UNIT_SUFFIXES = ['号楼', '栋', '幢', '座', '单元', '楼', '层', '室', '号', '期', '组', 'F'];
// A second building word after a compound name ("中关村" then "大厦").
const PLACE_WORDS = ['写字楼', '大厦', '大楼', '广场', '中心', '公寓', '花园', '商场'];
// Before a bare 3-4 digit room number ("3栋1201"): the end of a building or floor word.
const ROOM_AFTER = new Set([...'栋幢座元楼层']);

const MAX_ADMIN_NAME = 7;
const MAX_ROAD_NAME = 10;
const MAX_PLACE_NAME = 12;

/** Words grouped by first character, so a lookup at a position tries only the few that can match. */
function byFirstChar(words: readonly string[]): Map<string, string[]> {
  const map = new Map<string, string[]>();
  for (const w of words) {
    const first = String.fromCodePoint(w.codePointAt(0)!);
    map.set(first, [...(map.get(first) ?? []), w]);
  }
  return map;
}

const HAN = /^\p{Script=Han}$/u;
const LATIN = /^[A-Za-z]$/;
const DIGIT = /^[0-9]$/;
const STOP_SET = new Set(STOP);
const nameClass = (exclude: string, latin: boolean) => {
  const excluded = new Set(exclude);
  return (ch: string, han: boolean) => (han || (latin && LATIN.test(ch))) && !STOP_SET.has(ch) && !excluded.has(ch);
};
const isAdminName = nameClass('省市区县路街道号巷弄镇乡', false);
const isRoadName = nameClass('省区县号', false);
const isPlaceName = nameClass('省市区县路街号', true);
const HAN_NUM_SET = new Set(HAN_NUM);
const ROAD_SECTION = new Set([...'东南西北中', ...HAN_NUM]);

const PROVINCE_INDEX = byFirstChar(PROVINCES);
const CITY_INDEX = byFirstChar(CITY_WORDS);
const ADMIN_WORD_INDEX = byFirstChar(ADMIN_WORDS);
const ADMIN_SUFFIX_INDEX = byFirstChar(ADMIN_SUFFIXES);
const TOWN_SUFFIX_INDEX = byFirstChar(TOWN_SUFFIXES);
const ROAD_SUFFIX_INDEX = byFirstChar(ROAD_SUFFIXES);
const NUMBER_SUFFIX_INDEX = byFirstChar(NUMBER_SUFFIXES);
const PLACE_SUFFIX_INDEX = byFirstChar(PLACE_SUFFIXES);
const UNIT_SUFFIX_INDEX = byFirstChar(UNIT_SUFFIXES);
const PLACE_WORD_INDEX = byFirstChar(PLACE_WORDS);

/** The message as code points, with the runs every component needs measured once, right to left. */
class Text {
  readonly chars: string[];
  /** UTF-16 offset of each code point, and of the end. */
  readonly offsets: number[];
  /** Length of the run of name characters (capped) or digits starting at each position. */
  readonly adminRun: Uint8Array;
  readonly roadRun: Uint8Array;
  readonly placeRun: Uint8Array;
  readonly digitRun: Uint32Array;
  readonly hanNumRun: Uint32Array;

  constructor(readonly raw: string) {
    this.chars = Array.from(raw);
    const n = this.chars.length;
    this.offsets = new Array<number>(n + 1);
    let at = 0;
    for (let i = 0; i < n; i++) {
      this.offsets[i] = at;
      at += this.chars[i]!.length;
    }
    this.offsets[n] = at;
    this.adminRun = new Uint8Array(n + 1);
    this.roadRun = new Uint8Array(n + 1);
    this.placeRun = new Uint8Array(n + 1);
    this.digitRun = new Uint32Array(n + 1);
    this.hanNumRun = new Uint32Array(n + 1);
    for (let i = n - 1; i >= 0; i--) {
      const ch = this.chars[i]!;
      const han = HAN.test(ch);
      this.adminRun[i] = isAdminName(ch, han) ? Math.min(255, this.adminRun[i + 1]! + 1) : 0;
      this.roadRun[i] = isRoadName(ch, han) ? Math.min(255, this.roadRun[i + 1]! + 1) : 0;
      this.placeRun[i] = isPlaceName(ch, han) ? Math.min(255, this.placeRun[i + 1]! + 1) : 0;
      this.digitRun[i] = DIGIT.test(ch) ? this.digitRun[i + 1]! + 1 : 0;
      this.hanNumRun[i] = HAN_NUM_SET.has(ch) ? this.hanNumRun[i + 1]! + 1 : 0;
    }
  }

  get length(): number {
    return this.chars.length;
  }

  /** Ends (in code points) of the words from `index` that start at `i`. */
  words(i: number, index: Map<string, string[]>, out: number[]): void {
    const candidates = i < this.chars.length ? index.get(this.chars[i]!) : undefined;
    if (candidates === undefined) return;
    const offset = this.offsets[i]!;
    for (const w of candidates) {
      // Every word here is in the BMP, so its UTF-16 length is its length in code points.
      if (this.raw.startsWith(w, offset)) out.push(i + w.length);
    }
  }

  /** Ends of "name run of 1..max characters, then a suffix". */
  named(i: number, run: Uint8Array, max: number, suffixes: Map<string, string[]>, out: number[]): void {
    const longest = Math.min(max, run[i]!);
    for (let len = 1; len <= longest; len++) this.words(i + len, suffixes, out);
  }

  /** End of the digit run at `i` followed by "-digits", or of the run alone; -1 when there is no run. */
  digitsWithRange(i: number, run: Uint32Array): number {
    const n = run[i]!;
    if (n === 0) return -1;
    const end = i + n;
    return this.chars[end] === '-' && this.digitRun[end + 1]! > 0 ? end + 1 + this.digitRun[end + 1]! : end;
  }
}

// Each component: the ends of its readings starting at position i (appended to `out`).
type Component = (t: Text, i: number, out: number[]) => void;

const province: Component = (t, i, out) => t.words(i, PROVINCE_INDEX, out);

const cityOrAdmin: Component = (t, i, out) => {
  t.words(i, CITY_INDEX, out);
  t.words(i, ADMIN_WORD_INDEX, out);
  t.named(i, t.adminRun, MAX_ADMIN_NAME, ADMIN_SUFFIX_INDEX, out);
};

const town: Component = (t, i, out) => t.named(i, t.adminRun, MAX_ADMIN_NAME, TOWN_SUFFIX_INDEX, out);

const road: Component = (t, i, out) => {
  const ends: number[] = [];
  t.named(i, t.roadRun, MAX_ROAD_NAME, ROAD_SUFFIX_INDEX, ends);
  for (const e of ends) {
    out.push(e);
    // An optional section: 东段, 四段, 二十段.
    if (ROAD_SECTION.has(t.chars[e] ?? '')) {
      if (t.chars[e + 1] === '段') out.push(e + 2);
      else if (ROAD_SECTION.has(t.chars[e + 1] ?? '') && t.chars[e + 2] === '段') out.push(e + 3);
    }
  }
};

// A digit run is measured whole: a shorter prefix is followed by a digit, never by "-" or a suffix.
const houseNumber: Component = (t, i, out) => {
  const digits = t.digitsWithRange(i, t.digitRun);
  if (digits >= 0) t.words(digits, NUMBER_SUFFIX_INDEX, out);
  const hanDigits = t.digitsWithRange(i, t.hanNumRun);
  if (hanDigits >= 0) t.words(hanDigits, NUMBER_SUFFIX_INDEX, out);
};

const place: Component = (t, i, out) => t.named(i, t.placeRun, MAX_PLACE_NAME, PLACE_SUFFIX_INDEX, out);

const placeWord: Component = (t, i, out) => t.words(i, PLACE_WORD_INDEX, out);

const unit: Component = (t, i, out) => {
  houseNumberLike(t, t.digitsWithRange(i, t.digitRun), out);
  houseNumberLike(t, t.digitsWithRange(i, t.hanNumRun), out);
  // A letter and optional digits: "A座", "B2栋", "A-3室".
  if (LATIN.test(t.chars[i] ?? '')) {
    const j = i + 1 + t.digitRun[i + 1]!;
    houseNumberLike(t, t.chars[j] === '-' && t.digitRun[j + 1]! > 0 ? j + 1 + t.digitRun[j + 1]! : j, out);
  }
  // A bare room number right after the building or floor word: "3栋1201", "5楼502".
  const digits = t.digitRun[i]!;
  if ((digits === 3 || digits === 4) && i > 0 && ROOM_AFTER.has(t.chars[i - 1]!)) out.push(i + digits);
};

function houseNumberLike(t: Text, end: number, out: number[]): void {
  if (end >= 0) t.words(end, UNIT_SUFFIX_INDEX, out);
}

/** What starts at one position: the ends of each component's readings. */
interface Starts {
  road: number[];
  number: number[];
  place: number[];
  unit: number[];
  /** Edges of the part before the core (city or admin unit) and of the core itself. */
  head: number[];
  core: number[];
  tail: number[];
}

// "写字楼" starts with a stop character: literal words are checked whatever their first character.
const WORD_INITIALS = new Set([...PROVINCES, ...CITY_WORDS, ...ADMIN_WORDS, ...PLACE_WORDS].map((w) => w[0]!));
const NOTHING: Starts = { road: [], number: [], place: [], unit: [], head: [], core: [], tail: [] };

function startsAt(t: Text, i: number, later: readonly (Starts | undefined)[]): Starts {
  // Every component starts with a name character, a digit or a Chinese numeral (cities and
  // provinces are names too): most characters of a long message start nothing.
  if (t.placeRun[i] === 0 && t.roadRun[i] === 0 && t.adminRun[i] === 0 && t.digitRun[i] === 0 && t.hanNumRun[i] === 0 && !WORD_INITIALS.has(t.chars[i]!)) return NOTHING;
  const s: Starts = { road: [], number: [], place: [], unit: [], head: [], core: [], tail: [] };
  road(t, i, s.road);
  houseNumber(t, i, s.number);
  place(t, i, s.place);
  unit(t, i, s.unit);
  cityOrAdmin(t, i, s.head);
  const towns: number[] = [];
  town(t, i, towns);
  // Every end is after i, so what starts there was computed already (right to left).
  for (const r of s.road) {
    const next = later[r] ?? NOTHING;
    s.core.push(...next.number, ...next.place);
    s.tail.push(r, ...next.number);
  }
  for (const p of s.place) s.core.push(...(later[p] ?? NOTHING).unit);
  for (const w of towns) s.core.push(...(later[w] ?? NOTHING).place);
  s.tail.push(...s.place, ...s.unit);
  placeWord(t, i, s.tail);
  return s;
}

// Every core has a road (road number, road place) or a place (place unit, town place), and each of
// those ends in one of these words: a text with none of them holds no address and is spared the
// scan, which costs about 0.7 µs a character (issue 16). Literal words only, so one linear pass.
const CORE_WORD = new RegExp([...ROAD_SUFFIXES, ...PLACE_SUFFIXES].join('|'), 'u');

/** Every address in `text`, leftmost first, each as long as the grammar allows. */
export function scanZhAddresses(text: string): AddressSpan[] {
  if (!CORE_WORD.test(text)) return [];
  const t = new Text(text);
  const n = t.length;
  const NONE = -1;
  const starts: Starts[] = new Array<Starts>(n + 1);
  // *Own: from a component starting exactly at i; the others also allow one space before it.
  // tail[i]: the furthest end from i once the core is behind (i itself: the tail may stop).
  // head[i]: the furthest end from i before the core, NONE when no core can follow.
  const tailOwn = new Int32Array(n + 2).fill(NONE);
  const headOwn = new Int32Array(n + 2).fill(NONE);
  const tail = new Int32Array(n + 2);
  const head = new Int32Array(n + 2).fill(NONE);
  for (let i = n; i >= 0; i--) {
    const s = startsAt(t, i, starts);
    starts[i] = s;
    let tb = NONE;
    for (const e of s.tail) if (tail[e]! > tb) tb = tail[e]!;
    let hb = NONE;
    for (const e of s.head) if (head[e]! > hb) hb = head[e]!;
    for (const e of s.core) if (tail[e]! > hb) hb = tail[e]!;
    tailOwn[i] = tb;
    headOwn[i] = hb;
    const space = t.chars[i] === ' ';
    tail[i] = Math.max(i, tb, space ? tailOwn[i + 1]! : NONE);
    head[i] = Math.max(hb, space ? headOwn[i + 1]! : NONE);
  }
  const spans: AddressSpan[] = [];
  for (let s = 0; s < n; ) {
    let end = head[s]!;
    const provinces: number[] = [];
    province(t, s, provinces);
    for (const e of provinces) if (head[e]! > end) end = head[e]!;
    if (end > s) {
      spans.push({ start: t.offsets[s]!, end: t.offsets[end]! });
      s = end;
    } else {
      s++;
    }
  }
  return spans;
}
