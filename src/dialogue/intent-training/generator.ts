import type { Intent } from '../../contracts/reply-part.ts';
import type { TrainingExample } from './expand.ts';
import { PHRASEBOOK } from './phrasebook.ts';
import { VOCAB } from './phrasebook-vocab.ts';
import { mulberry32 } from '../../random/mulberry32.ts';

/**
 * The varied training text: each phrasebook core, filled from its vocabularies, then dressed in
 * a register (terse, polite, colloquial, angry, rambling with context around it), code-mixed,
 * typo'd by character deletion/substitution/swap, or written in Traditional characters. Seeded,
 * so the corpus and the model trained from it are the same on every run.
 */

export type Random = () => number;

/** Seeded (mulberry32), so the corpus is the same on every run. */
export function seeded(seed: number): Random {
  return mulberry32(seed);
}

const pick = <T>(rnd: Random, list: readonly T[]): T => list[Math.floor(rnd() * list.length)] as T;

/** One random sentence from a template: `{a|b}` picks one, `<NAME>` a word from VOCAB. */
export function fill(template: string, rnd: Random): string {
  return template
    .replace(/<([A-Z0-9]+)>/g, (_, name: string) => pick(rnd, VOCAB[name] ?? [name]))
    .replace(/\{([^{}]*)\}/g, (_, options: string) => pick(rnd, options.split('|')))
    .replace(/\s+/g, ' ')
    .trim();
}

// Registers: what surrounds the point of a message. Empty strings keep many turns bare.
const ZH_OPEN = ['', '', '', '', '你好 ', '您好，', '亲 ', '在吗 ', '在吗？', '客服 ', '那个 ', '请问 ', '麻烦问下 ', '老板 ', '喂 ', '你好 请问', '嗯 ', '问一下 ', '哈喽 ', '亲亲 ', '掌柜 ', '店家 ', '老板 ', '美女 ', '宝贝 '];
const ZH_CLOSE = ['', '', '', '', '亲', '呢亲', '的哈', '哈亲', '呢', '？', '?', '？？', '啊', '呀', '呢', '哈', '谢谢', '谢谢亲', '急', '急急急', '，麻烦了', '！', '!!!', '好吗', '行吗', '。', '～', '哦', '嘛'];
const ZH_ANGRY = ['搞什么', '什么破店', '气死了', '妈的', '真服了', '有病吧', '垃圾', '烦死了', '搞毛啊', '靠', '太坑了', '你们怎么回事'];
const ZH_CONTEXT = [
  '我上周在你们店买了东西', '我是老顾客了', '昨天下的单', '之前问过一次没人回', '我给我妈买的', '双十一的时候买的',
  '刚才打电话没人接', '我在外地出差', '朋友推荐来的', '第一次在你们家买', '付款都好几天了', '我等了好久了', '说实话有点失望',
  '这是送人的礼物', '家里等着用', '我看了评价才买的',
];
// A helpdesk post on a public timeline: addressed to the shop's account, sometimes tagged.
const ZH_MENTION = ['@某某官方客服 ', '@某某旗舰店 ', '@某某商城客服 ', '@某某快递 ', '@店小二 ', '@客服小助手 '];
const ZH_TAG = ['', '', ' #求助#', ' #客服#', ' #售后#', ' 在线等', ' 急求回复', ' 私信也没人回'];
const EN_OPEN = ['', '', '', '', 'hi ', 'hello, ', 'hey ', 'hi there, ', 'excuse me, ', 'um ', 'so ', 'ok so ', 'quick question, ', 'hey guys ', 'good morning, ', 'yo ', 'sorry to bother you but ', 'hello? '];
const EN_CLOSE = ['', '', '', '', '?', '??', '!', ' please', ' pls', ' thanks', ' thank you', ' asap', ' thx', '.', ' urgently', ' right now', ' today', ' if possible', ' lol', ' :('];
const EN_POLITE = ['could you please ', 'would you mind helping me ', 'i was wondering if you could help, ', 'sorry, ', 'please help, ', 'i hope you can help, '];
const EN_ANGRY = ['wtf', 'this is ridiculous', 'seriously', 'ffs', 'damn it', 'what the hell', 'unbelievable', 'this is a joke', 'for fucks sake', 'are you kidding me', 'useless', 'ugh'];
const EN_CONTEXT = [
  'i bought something from you last week', 'i am a regular customer', 'i ordered on friday', 'i already asked yesterday and nobody replied',
  'this was a gift for my mom', 'i have been waiting for ages', 'i ordered during the sale', 'my friend recommended your store',
  'first time ordering here', 'i paid days ago', 'honestly a bit disappointed', 'i need it for a trip',
];

// Code-mixing: a Chinese word the customer types in English instead (both directions are common).
const MIX: [string, string][] = [
  ['订单', 'order'], ['退款', 'refund'], ['退货', 'return'], ['快递', '快递 tracking'], ['发票', 'invoice'], ['地址', 'address'],
  ['取消', 'cancel'], ['优惠券', 'coupon'], ['换', 'exchange'], ['尺码', 'size'], ['码数', 'size'], ['客服', 'customer service'],
  ['付款', 'payment'], ['包裹', 'package'], ['物流', 'logistics'], ['人工', 'real person'],
];

// Chinese near-homophones an input method picks by mistake (a few per character, for robustness).
const ZH_SOUNDALIKE: Record<string, string> = {
  货: '或', 款: '宽', 票: '漂', 递: '第', 流: '留', 址: '止', 消: '销', 单: '担', 换: '唤', 码: '马', 钱: '前', 在: '再', 吗: '嘛', 么: '末', 发: '法', 到: '道', 退: '腿',
};

const ASCII_KEYS = 'abcdefghijklmnopqrstuvwxyz';

/** One typo: an English letter dropped, swapped with its neighbour or replaced; a Han character mistyped or dropped. */
export function typo(text: string, rnd: Random): string {
  const chars = [...text];
  const positions = chars.map((c, i) => (/[a-z\p{Script=Han}]/u.test(c) ? i : -1)).filter((i) => i >= 0);
  if (positions.length < 4) return text;
  const i = pick(rnd, positions);
  const c = chars[i] ?? '';
  if (/\p{Script=Han}/u.test(c)) {
    const alike = ZH_SOUNDALIKE[c];
    if (alike !== undefined && rnd() < 0.7) chars[i] = alike;
    else if (rnd() < 0.5) chars.splice(i, 1);
    return chars.join('');
  }
  const r = rnd();
  if (r < 0.35) chars.splice(i, 1);
  else if (r < 0.65 && /[a-z]/.test(chars[i + 1] ?? '')) [chars[i], chars[i + 1]] = [chars[i + 1] ?? '', c];
  else if (r < 0.85) chars[i] = pick(rnd, [...ASCII_KEYS]);
  else chars.splice(i, 0, c);
  return chars.join('');
}

/** Simplified → Traditional for the characters customers meet most (the normaliser reverses it). */
export function traditional(text: string, toTraditional: Map<string, string>): string {
  return [...text].map((c) => toTraditional.get(c) ?? c).join('');
}

function mix(text: string, rnd: Random): string {
  const candidates = MIX.filter(([zh]) => text.includes(zh));
  if (candidates.length === 0) return text;
  const [zh, en] = pick(rnd, candidates);
  return text.replace(zh, ` ${en} `);
}

/** A core phrase, dressed in one register. */
export function dress(core: string, lang: 'zh' | 'en', rnd: Random): string {
  const r = rnd();
  if (lang === 'zh') {
    if (r < 0.1) return `${pick(rnd, ZH_ANGRY)} ${core}${pick(rnd, ['!!', '！', '!!!', ''])}`;
    if (r < 0.18) return `${core} ${pick(rnd, ZH_ANGRY)}`;
    if (r < 0.3) return `${pick(rnd, ZH_OPEN)}${pick(rnd, ZH_CONTEXT)}，${core}${pick(rnd, ZH_CLOSE)}`;
    if (r < 0.36) return `${pick(rnd, ZH_OPEN)}${pick(rnd, ZH_CONTEXT)} ${pick(rnd, ZH_CONTEXT)} ${core}${pick(rnd, ZH_CLOSE)}`;
    if (r < 0.44) return `${pick(rnd, ZH_MENTION)}${rnd() < 0.5 ? `${pick(rnd, ZH_CONTEXT)}，` : ''}${core}${pick(rnd, ZH_CLOSE)}${pick(rnd, ZH_TAG)}`;
    return `${pick(rnd, ZH_OPEN)}${core}${pick(rnd, ZH_CLOSE)}`;
  }
  if (r < 0.08) return `${pick(rnd, EN_ANGRY)} ${core}${pick(rnd, ['!!', '!', '!!!', ''])}`;
  if (r < 0.14) return `${core}, ${pick(rnd, EN_ANGRY)}`;
  if (r < 0.22) return `${pick(rnd, EN_POLITE)}${core}${pick(rnd, EN_CLOSE)}`;
  if (r < 0.34) return `${pick(rnd, EN_OPEN)}${pick(rnd, EN_CONTEXT)}, ${core}${pick(rnd, EN_CLOSE)}`;
  if (r < 0.38) return `${pick(rnd, EN_OPEN)}${pick(rnd, EN_CONTEXT)} and ${pick(rnd, EN_CONTEXT)}. ${core}${pick(rnd, EN_CLOSE)}`;
  if (r < 0.44) return core.toUpperCase();
  return `${pick(rnd, EN_OPEN)}${core}${pick(rnd, EN_CLOSE)}`;
}

/** `perIntent` sentences per intent and language from the phrasebook, dressed and perturbed. */
export function generateCorpus(perIntent: number, toTraditional: Map<string, string>, seed = 12): TrainingExample[] {
  const rnd = seeded(seed);
  const out: TrainingExample[] = [];
  for (const [intent, book] of Object.entries(PHRASEBOOK) as [Intent, (typeof PHRASEBOOK)[Intent]][]) {
    for (const lang of ['zh', 'en'] as const) {
      const templates = book[lang];
      for (let n = 0; n < perIntent; n++) {
        // Short, content-free `other` turns stay bare: dressing them would add meaning.
        const core = fill(templates[n % templates.length] ?? '', rnd);
        let text = intent === 'other' && core.length <= 4 ? core : dress(core, lang, rnd);
        const p = rnd();
        if (lang === 'zh' && p < 0.15) text = traditional(text, toTraditional);
        else if (lang === 'zh' && p < 0.25) text = mix(text, rnd);
        else if (p < 0.45) text = typo(text, rnd);
        if (rnd() < 0.1) text = typo(text, rnd);
        out.push({ text, intent });
      }
    }
  }
  return out;
}
