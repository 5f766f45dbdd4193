/**
 * Spelling repairs for the words attacks depend on: Chinese near-homophones from pinyin input,
 * pinyin typed without converting, and English misspellings (a fixed list for short words, one
 * edit for long key words). Only words that matter to the guard's patterns are repaired.
 */

/** Chinese typos and near-homophones → the intended word. */
const ZH_TYPOS: readonly (readonly [RegExp, string])[] = [
  [/乎略|忽掠|呼略/g, '忽略'],
  [/指领|只令|指另/g, '指令'],
  [/规责|归则/g, '规则'],
  [/现制|限治/g, '限制'],
  [/开发则|开发着/g, '开发者'],
  [/接触(?=[^\n]{0,4}限制)/g, '解除'],
  [/越域|越玉/g, '越狱'],
  [/系桶|系通|细统/g, '系统'],
  [/提示次|提示辞/g, '提示词'],
  [/输粗/g, '输出'],
  [/店涨|店掌/g, '店长'],
  [/管里员|管礼员/g, '管理员'],
  [/丁单|定单|订丹/g, '订单'],
  [/价个|价隔/g, '价格'],
  [/运废/g, '运费'],
  [/刷丹|刷担/g, '刷单'],
  [/推货|退火|退或/g, '退货'],
  [/退宽|腿款/g, '退款'],
];

/** Pinyin of key words, typed without converting; syllables may be separated by one space. */
const PINYIN: readonly (readonly [string, string])[] = [
  ['hu lue', '忽略'], ['wu shi', '无视'], ['zhi ling', '指令'], ['ming ling', '命令'], ['gui ze', '规则'],
  ['xian zhi', '限制'], ['zhi qian', '之前'], ['yi shang', '以上'], ['suo you', '所有'], ['xi tong', '系统'],
  ['ti shi ci', '提示词'], ['shu chu', '输出'], ['kai fa zhe', '开发者'], ['yue yu', '越狱'], ['ban yan', '扮演'],
  ['dian zhang', '店长'], ['guan li yuan', '管理员'], ['jia ge', '价格'], ['gai cheng', '改成'],
  ['shua dan', '刷单'], ['hao yang mao', '薅羊毛'], ['tui kuan', '退款'], ['tui huo', '退货'],
  ['sha bi', '傻逼'], ['nao can', '脑残'], ['zhi zhang', '智障'], ['bai chi', '白痴'], ['cao ni ma', '草泥马'],
  ['qu si', '去死'], ['fei wu', '废物'], ['chun huo', '蠢货'], ['bie ren', '别人'], ['ke hu', '客户'],
  ['shou ji hao', '手机号'], ['di zhi', '地址'], ['ding dan', '订单'],
];
const PINYIN_RES = PINYIN.filter(([p]) => p.includes(' ')).map(([p, zh]) => [new RegExp(`\\b${p.replace(/ /g, ' ?')}\\b`, 'g'), zh] as const);

/** Short English misspellings (too short for edit distance to be safe). */
const EN_WORDS = new Map<string, string>([
  ['ignor', 'ignore'], ['ingore', 'ignore'], ['sytem', 'system'], ['systm', 'system'], ['promt', 'prompt'], ['prompot', 'prompt'],
  ['rulez', 'rules'], ['rulse', 'rules'], ['polcy', 'policy'], ['acess', 'access'], ['stor', 'store'], ['prise', 'price'],
  ['prce', 'price'], ['ful', 'full'], ['fak', 'fake'], ['idoit', 'idiot'], ['idiet', 'idiot'], ['gve', 'give'], ['othr', 'other'], ['numbrs', 'numbers'],
  ['oder', 'order'], ['ordr', 'order'], ['adress', 'address'], ['addres', 'address'], ['refnud', 'refund'],
  ['rfund', 'refund'], ['delivry', 'delivery'], ['folow', 'follow'], ['ur', 'your'], ['u', 'you'], ['im', "i'm"], ['pls', 'please'],
  ['whats', "what's"], ['plz', 'please'], ['b4', 'before'],
]);

/** Long key words repaired when one edit away (two for words of nine letters or more). */
const KEYWORDS = [
  'ignore', 'disregard', 'previous', 'instructions', 'instruction', 'system', 'prompt', 'override', 'pretend',
  'unrestricted', 'restrictions', 'developer', 'jailbreak', 'refund', 'approve', 'manager', 'administrator',
  'customer', 'customers', 'discount', 'addresses', 'return', 'returning', 'receipt', 'tracking',
  'invoice', 'compensation', 'verbatim', 'initial', 'original', 'hidden', 'reveal', 'repeat', 'follow', 'guidelines',
  'policy', 'content', 'access', 'employee', 'supervisor', 'without', 'delivery', 'confirm', 'change', 'promise',
  'fucking', 'retarded', 'enable', 'restricted', 'previously', 'instructs',
];
const KEYWORD_SET = new Set(KEYWORDS);
/** Common words one edit from a key word, left alone. */
const KEEP = new Set(['systems', 'prompts', 'prompted', 'returns', 'returned', 'changes', 'changed', 'followed', 'follows',
  'refunds', 'refunded', 'repeats', 'invoices', 'receipts', 'hiddens', 'contents', 'accessed', 'enabled', 'confirms',
  'approved', 'managers', 'numbered', 'discounts', 'delivers', 'delivered', 'deliver', 'originals']);

// Three rows of the edit-distance table, reused: this runs for every long word of every message.
const rows = [new Int32Array(64), new Int32Array(64), new Int32Array(64)] as const;

/** Optimal string alignment distance (a transposition is one edit) ≤ max, with early exit. */
function withinEdits(a: string, b: string, max: number): boolean {
  if (Math.abs(a.length - b.length) > max || b.length >= 63) return false;
  let [prev2, prev, cur] = rows;
  for (let j = 0; j <= b.length; j++) prev[j] = j;
  for (let i = 1; i <= a.length; i++) {
    cur[0] = i;
    let rowMin = i;
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let v = Math.min(prev[j]! + 1, cur[j - 1]! + 1, prev[j - 1]! + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) v = Math.min(v, prev2[j - 2]! + 1);
      cur[j] = v;
      if (v < rowMin) rowMin = v;
    }
    if (rowMin > max) return false;
    [prev2, prev, cur] = [prev, cur, prev2];
  }
  return prev[b.length]! <= max;
}

function repairEnglishWord(w: string, at: number, text: string): string {
  // Short forms only stand alone: the u in "u盘" is not "you".
  const alone = !/[\p{L}\p{N}]/u.test(text[at - 1] ?? '') && !/[\p{L}\p{N}]/u.test(text[at + w.length] ?? '');
  const listed = alone ? EN_WORDS.get(w) : undefined;
  if (listed !== undefined) return listed;
  if (w.length < 6 || w.length > 40 || KEYWORD_SET.has(w) || KEEP.has(w)) return w;
  const max = w.length >= 9 ? 2 : 1;
  for (const k of KEYWORDS) {
    // Typos keep the first letter; an inflection ("promised", "refunds") is a different word.
    if (w[0] !== k[0] || (w.length > k.length && w.startsWith(k.slice(0, -1)))) continue;
    if (k.length >= 6 && withinEdits(w, k, max)) return k;
  }
  return w;
}

/*
 * Each list is applied in order, a replacement possibly feeding a later one, but a list changes
 * nothing unless one of its patterns matches the text it starts from: one test of their union
 * first spares the ~50 scans of a message without any of these words. (A Chinese replacement
 * only brings Han characters, which no pinyin pattern reads, and it creates no \b boundary.)
 */
const union = (res: readonly (readonly [RegExp, string])[]): RegExp => new RegExp(res.map(([re]) => re.source).join('|'));
const ANY_ZH_TYPO = union(ZH_TYPOS);
const ANY_PINYIN = union(PINYIN_RES);

// A word's repair depends on the word alone unless it is a listed short form (which must stand
// alone); long words cost an edit-distance pass per key word, so their repairs are remembered.
const repaired = new Map<string, string>();
const REPAIRED_MAX = 4096;

function repairWord(w: string, at: number, text: string): string {
  if (EN_WORDS.has(w)) return repairEnglishWord(w, at, text);
  let r = repaired.get(w);
  if (r === undefined) {
    r = repairEnglishWord(w, at, text);
    if (repaired.size >= REPAIRED_MAX) repaired.clear();
    repaired.set(w, r);
  }
  return r;
}

/** Applies the repairs to lower-cased text. */
export function repairSpelling(text: string): string {
  let t = text;
  if (ANY_ZH_TYPO.test(t)) for (const [re, to] of ZH_TYPOS) t = t.replace(re, to);
  if (ANY_PINYIN.test(t)) for (const [re, to] of PINYIN_RES) t = t.replace(re, to);
  return t.replace(/[a-z]+/g, (w: string, at: number, all: string) => repairWord(w, at, all));
}
