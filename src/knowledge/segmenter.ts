import { Jieba } from '@node-rs/jieba';
import { dict } from '@node-rs/jieba/dict.js';
import { normaliseChineseNumerals } from './chinese-numerals.ts';
import { stemEnglish } from './english-stem.ts';
import { CHINESE_STOPWORDS, CJK_BIGRAM_BREAKS, ENGLISH_STOPWORDS } from './stopwords.ts';
import { remembered } from '../remembered.ts';

/**
 * Bump when tokenisation (or chunking) changes: a knowledge base built with another version is
 * re-indexed from its stored documents when it is opened.
 */
export const TOKENIZER_VERSION = 1;

let jieba: Jieba | undefined;
/** The dictionary takes ~200 ms to load, so it is loaded on first use, once per process. */
function segmenter(): Jieba {
  jieba ??= Jieba.withDict(dict);
  return jieba;
}

const HAN = /\p{Script=Han}/u;
/** A run of Han characters, or a run of other letters/digits (Latin, digits, other scripts). */
const RUN = /\p{Script=Han}+|(?:(?!\p{Script=Han})[\p{L}\p{N}'])+/gu;
const WORD = /[\p{L}\p{N}]/u;

function addHanRun(run: string, out: string[], auxiliary: Set<string>): void {
  const words = new Set<string>();
  for (const word of segmenter().cutForSearch(run, true)) {
    if (CHINESE_STOPWORDS.has(word)) continue;
    out.push(word);
    words.add(word);
  }
  // Search mode also emits a compound's parts ("开发票" → 开发, 发票): the compound then adds
  // recall, but the knowledge base may phrase it differently ("开具发票"), so an unseen compound
  // must not count against coverage any more than an unseen bigram does.
  // A lone character (发, 卖) is too ambiguous to say the question is not covered either.
  for (const word of words) {
    const length = Array.from(word).length;
    const compound = length >= 3 && [...words].some((w) => w !== word && word.includes(w));
    if (length === 1 || compound) auxiliary.add(word);
  }
  // Character bigrams make retrieval robust to segmentation differences between query and text.
  let piece = '';
  const flush = (): void => {
    const chars = Array.from(piece);
    for (let i = 0; i + 1 < chars.length; i++) {
      const bigram = `${chars[i]}${chars[i + 1]}`;
      if (CHINESE_STOPWORDS.has(bigram)) continue;
      out.push(bigram);
      if (!words.has(bigram)) auxiliary.add(bigram);
    }
    piece = '';
  };
  for (const ch of run) {
    if (CJK_BIGRAM_BREAKS.has(ch)) flush();
    else piece += ch;
  }
  flush();
}

function addOtherRun(run: string, out: string[]): void {
  for (const raw of run.split("'")) {
    if (raw.length === 0 || ENGLISH_STOPWORDS.has(raw)) continue;
    if (raw.length === 1 && !/\d/.test(raw)) continue;
    out.push(stemEnglish(raw));
  }
}

/**
 * The words of "how much", "what time", "how long", "can I get", "几点", "什么时候", "多少": they shape the
 * question, not its topic. A knowledge base that never writes them (a price list says "80 yuan
 * per day", not "how much") still covers the question, so unseen they do not count against
 * coverage; seen, they count as any term.
 */
const QUESTION_PHRASE: ReadonlySet<string> = new Set([...['much', 'many', 'time', 'long', 'often', 'get'].map(stemEnglish), '几点', '时候', '多少', '多久', '多长', '几天']);

export interface AnalyzedText {
  /** Index terms in text order (repeats kept: they are term frequencies). */
  terms: string[];
  /**
   * Character bigrams that are not also a jieba word of the text: they add recall, but one the
   * index has never seen (typically straddling two words, like "能开") says nothing about whether
   * the knowledge base covers the question.
   */
  auxiliary: Set<string>;
}


/**
 * Text to index terms, for Chinese, English and mixed text: NFKC + lowercase, punctuation dropped,
 * jieba words (search mode) plus character bigrams for Han runs, lightly stemmed English words,
 * stopwords removed, and "7天"-style number+unit terms. Query and document go through the same
 * function, so the only requirement is that it is deterministic.
 */
export function analyze(text: string): AnalyzedText {
  // A turn analyses the same texts more than once (the question for the cache, the search and
  // the reply check; the passages' sentences on every turn that cites them): recent analyses are
  // kept, and each caller gets its own copy, so none can change what another reads.
  const known = recentAnalysis(text);
  return { terms: [...known.terms], auxiliary: new Set(known.auxiliary) };
}

const recentAnalysis = remembered((text: string) => analyzeText(text), 1024);

function analyzeText(text: string): AnalyzedText {
  const norm = normaliseChineseNumerals(text.normalize('NFKC').toLowerCase());
  const terms: string[] = [];
  const auxiliary = new Set<string>();
  let prevEnd = -1;
  let prevDigits: string | undefined;
  for (const m of norm.matchAll(RUN)) {
    const run = m[0];
    if (!WORD.test(run)) continue;
    if (HAN.test(run)) {
      if (prevDigits !== undefined && prevEnd === m.index) terms.push(`${prevDigits}${run[0] ?? ''}`);
      addHanRun(run, terms, auxiliary);
      prevDigits = undefined;
    } else {
      addOtherRun(run, terms);
      prevDigits = /^\d+$/.test(run) ? run : undefined;
    }
    prevEnd = m.index + run.length;
  }
  for (const t of terms) if (QUESTION_PHRASE.has(t)) auxiliary.add(t);
  return { terms, auxiliary };
}

/** Index terms of a text (see `analyze`). */
export function tokenize(text: string): string[] {
  return analyze(text).terms;
}
