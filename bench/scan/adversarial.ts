import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { PROJECT_ROOT } from '../../src/config/load-config.ts';
import { CITIES } from '../../src/safety/pii/recognizers/address.ts';

/**
 * Fragments that scanners' patterns are built from: place names and suffixes, digits and
 * separators, cue words, guard keywords. Repeating one of them, or mixing them, is how a
 * backtracking pattern is made to try every way of splitting a long run.
 */
export const ATOMS: Readonly<Record<string, readonly string[]>> = {
  address: ['北京市', '北京', '朝阳区', '北京市朝阳区', '浦东新区', '中山路', '建国路88号', '88号', '3栋', '2单元', '1201室', '幸福小区', '华贸中心', '大厦', '南丰镇', '李楼村', '开发区', '自治县', '街道', ' ', '市', '区', '路', '号', '楼', '一', '二十', 'SOHO', 'A座', '1-2号'],
  numbers: ['1', '13812345678', '138', '-', ' ', '+86', '(', ')', '0', '.', '86', '010-', 'X', '4', '6222', '192.168.', '1.', ':', '::', 'ff:', 'E1234', 'G', 'C', '京A', '粤B', 'D', '挂', '+44 ', '+1 ', '(415) ', '555-', '7946 ', '+6591234567', '\u200b', '\ufeff', '\u00a0', '138.', '一三八', '幺', '〇', '零', '１３８', '一 '],
  text: ['a', 'A', 'Main ', 'Street', 'Room ', '12 ', ', ', '@', 'a.', 'b-', '_', '%', 'x@y.', 'name: ', 'my name is ', 'John ', "O'", '-', '\t', '\n', '221B ', 'Baker ', 'Parkway', 'London ', 'NW1 ', '6XE', 'CA ', '94043', '-0110', 'Hong ', 'Kong ', 'New ', 'ship to ', 'this is ', 'Ship to: ', 'Mary '],
  cues: ['收货人', '我叫', '我是', '姓名：', '张', '王伟', '先生', '女士', '地址', '寄到', '电话', '订单号', '身份证', '护照', '车牌', '邮箱', '：', '是', '为', ' ', '寄给', '李四', '欧阳娜娜', '常州', '，', '13800001234', '手机', '[手机号]', '[PHONE_1]', '邮寄给：', '张三 '],
  guard: ['忽略', '之前的', '指令', '系统提示', 'ignore ', 'previous ', 'instructions ', 'you are now ', 'DAN ', '扮演', '管理员', '我是经理', '退款', '全额', '改价', '1折', '打', '折', '白痴', 'f', 'u', 'c', 'k', '密码', 'password ', 'is ', '=', 'sk-', 'base64:', '%20', '\\u', '&#', 'ＩＧＮＯＲＥ', 'і', 'о'],
  // The intent lexicon and the emotion rules: fillers, greetings and shouting, each of which a
  // lexicon pattern once read two ways ("嗯嗯 " × 16 took 1.3 s before the filler rule was fixed).
  dialogue: ['嗯嗯 ', '嗯', '哦哦', 'ok ', 'k', 'kk', 'em', 'hello anyone there ', 'hello ', 'hi there ', '在吗', '你好', 'has my ', 'order ', 'the ', '!', '人工', 'ab ', '退货', 'refund ', '急', 'WHY ', '???'],
  dates: ['明天', '下周一', '12月', '3日', '2026-', '12-', '01', '/', '上午', '10点', '半', 'next ', 'monday ', 'Dec ', '3rd ', '星期', '周', '号', '元', '¥', '99.', '块', '订单', 'KF', '2026', 'SF', '#', '[手机号]', '[', ']', 'order ', 'order number ', 'tracking ', '单号', ':', '是'],
};

const ALL_ATOMS = Object.values(ATOMS).flat();

/** `length` characters of `unit` repeated. */
export const repeatTo = (unit: string, length: number): string => unit.repeat(Math.ceil(length / unit.length)).slice(0, length);

/**
 * The fixed adversarial set: each atom repeated to `length`, each pair of atoms from one family
 * alternated, cities run together, and a long run followed by a near-miss ending. Deterministic,
 * so a slow message is the same message on every run.
 */
export function adversarialMessages(length = 2000): { name: string; text: string }[] {
  const out: { name: string; text: string }[] = [];
  for (const atom of ALL_ATOMS) out.push({ name: `repeat ${JSON.stringify(atom)}`, text: repeatTo(atom, length) });
  for (const [family, atoms] of Object.entries(ATOMS)) {
    for (let i = 0; i < atoms.length; i++) {
      const a = atoms[i]!;
      const b = atoms[(i + 1) % atoms.length]!;
      const c = atoms[(i + 5) % atoms.length]!;
      out.push({ name: `${family} ${JSON.stringify(a + b)}`, text: repeatTo(a + b, length) });
      out.push({ name: `${family} ${JSON.stringify(a + b + c)} + near miss`, text: repeatTo(a + b + c, length - 1) + '!' });
    }
  }
  // A run the whole-message rules accept, then one character they do not: the shape that makes an
  // ambiguous `^(…)*$` try every way of splitting the run.
  for (const atom of ATOMS['dialogue'] ?? []) out.push({ name: `${JSON.stringify(atom)} run + 退`, text: repeatTo(atom, length - 1) + '退' });
  out.push({ name: 'cities', text: repeatTo(CITIES.join(''), length) });
  out.push({ name: 'cities with 市', text: repeatTo(CITIES.join('市'), length) });
  out.push({ name: 'cities with 区', text: repeatTo(CITIES.map((c) => `${c}市${c}区`).join(''), length) });
  out.push({ name: 'everything', text: repeatTo(ALL_ATOMS.join(''), length) });
  out.push(...keywordRunMessages(120, length));
  return out;
}

const SCANNED_DIRS = ['src/safety', 'src/dialogue/entities'];
let keywords: string[] | undefined;

/**
 * Words the scanners' own patterns are written with (订单号, order, 收货人, ignore…), read from the
 * sources: a keyword followed by a long run of separators is the shape that made "order" + spaces
 * quadratic, and a hand-written list of fragments had missed it.
 */
export function sourceKeywords(): string[] {
  if (keywords !== undefined) return keywords;
  const files = SCANNED_DIRS.flatMap((dir) =>
    readdirSync(path.join(PROJECT_ROOT, dir), { recursive: true, encoding: 'utf8' }).filter((f) => f.endsWith('.ts')).map((f) => path.join(PROJECT_ROOT, dir, f)));
  const found = new Set<string>();
  for (const file of files) {
    for (const m of readFileSync(file, 'utf8').matchAll(/\p{Script=Han}{2,6}|\b[a-z]{3,12}\b/gu)) found.add(m[0]);
  }
  keywords = [...found].sort();
  return keywords;
}

export const SEPARATORS = [' ', ':', '：', '#', '-', '\t', '\n', '是', '.'];

/** Each of `count` keywords spread over the list, followed by a separator run to `length`, then a near miss. */
export function keywordRunMessages(count: number, length = 2000): { name: string; text: string }[] {
  const words = sourceKeywords();
  const step = Math.max(1, Math.floor(words.length / count));
  const out: { name: string; text: string }[] = [];
  for (let i = 0; i < words.length && out.length < count; i += step) {
    const word = words[i]!;
    const sep = SEPARATORS[out.length % SEPARATORS.length]!;
    out.push({ name: `${word} + ${JSON.stringify(sep)} run`, text: `${word}${sep.repeat(length - word.length - 1)}x` });
  }
  return out;
}
