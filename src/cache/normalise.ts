import type { CacheLang } from '../contracts/answer-cache.ts';
import { analyze } from '../knowledge/segmenter.ts';

/** Politeness and filler that never change what is asked, longest first. */
const ZH_FILLERS = [
  '我想咨询一下', '我想问一下', '想咨询一下', '想问一下', '我想知道', '请问一下', '麻烦问一下', '麻烦您', '麻烦你',
  '请问', '你好', '您好', '麻烦', '谢谢', '在吗', '问下', '亲爱的', '亲', '哈',
];
const EN_FILLERS = [
  'could you please tell me', 'can you please tell me', 'could you tell me', 'can you tell me', "i'd like to know",
  'i would like to know', 'i want to know', 'i wonder', 'thank you', 'please', 'hello', 'thanks', 'hey', 'hi',
];
const EN_FILLER_RE = new RegExp(`\\b(?:${EN_FILLERS.map((f) => f.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')).join('|')})\\b`, 'g');
/** Sentence-final particles: 退货运费谁出呀 = 退货运费谁出. */
const ZH_FINAL_PARTICLES = /[呢啊呀吧嘛哦哇啦]+$/u;

/**
 * The exact-match key of a question: NFKC (full-width → half-width), lower case, fillers
 * (请问, 你好, please...) and punctuation removed; whitespace dropped for Chinese, collapsed for English.
 */
export function normaliseQuestion(text: string, lang: CacheLang): string {
  let s = text.normalize('NFKC').toLowerCase();
  if (lang === 'zh') {
    for (const f of ZH_FILLERS) s = s.split(f).join(' ');
  } else {
    s = s.replace(EN_FILLER_RE, ' ');
  }
  s = s.replace(/[^\p{L}\p{N}']+/gu, ' ').trim();
  if (lang === 'zh') {
    s = s.replace(/(?<=\p{Script=Han}) +(?=\p{Script=Han})/gu, '');
    s = s.replace(ZH_FINAL_PARTICLES, '').trim();
  }
  return s.replace(/ +/g, ' ');
}

/**
 * Lexical features for similarity: the knowledge base's own analyser (jieba words and character
 * bigrams for Chinese, stemmed words without stopwords for English), as a set.
 */
export function questionFeatures(normalised: string): Set<string> {
  return new Set(analyze(normalised).terms);
}

/** Jaccard similarity of two feature sets, 0..1. */
export function jaccard(a: ReadonlySet<string>, b: ReadonlySet<string>): number {
  if (a.size === 0 || b.size === 0) return 0;
  const [small, large] = a.size <= b.size ? [a, b] : [b, a];
  let inter = 0;
  for (const t of small) if (large.has(t)) inter++;
  return inter / (a.size + b.size - inter);
}
