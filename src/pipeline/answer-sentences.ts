import { analyze } from '../knowledge/segmenter.ts';

/**
 * The sentence or two of a passage that answer a question: the retrieval answer quotes these
 * instead of the whole passage. Everything here is a single pass over the text (no regex that can
 * backtrack over customer words): sentences are cut by scanning characters, scored by the question's
 * content words (the knowledge base's own analyzer: jieba words, bigrams, stemmed English) weighted
 * by how few of the passage's sentences carry them, plus a cue when the question asks for a
 * duration or an amount and the sentence holds one.
 */

const CLOSERS = new Set(['"', "'", '”', '’', ')', '）', '」', '』', ']']);
const HARD_END = new Set(['。', '！', '？', '!', '?', '\n']);
/** Words after which a full stop does not end an English sentence. */
const ABBREVIATIONS = new Set(['e.g', 'i.e', 'etc', 'no', 'approx', 'incl', 'vs', 'mr', 'ms', 'dr']);

/** A passage cut into sentences, each with its closing punctuation and quotes, trimmed. */
export function splitSentences(text: string): string[] {
  const chars = Array.from(text);
  const out: string[] = [];
  let start = 0;
  const cut = (end: number): void => {
    const s = chars.slice(start, end).join('').trim();
    if (s !== '') out.push(s);
    start = end;
  };
  for (let i = 0; i < chars.length; i++) {
    const c = chars[i]!;
    let ends = HARD_END.has(c);
    if (c === '.') {
      // A full stop ends a sentence before a space and a new word, not in "1.5", "e.g." or "No. 3".
      const next = chars[i + 1];
      if (next === undefined || /\s/.test(next)) {
        let w = i;
        while (w > start && /[\p{L}.]/u.test(chars[w - 1]!)) w--;
        ends = !ABBREVIATIONS.has(chars.slice(w, i).join('').toLowerCase());
      }
    }
    if (!ends) continue;
    let end = i + 1;
    while (end < chars.length && CLOSERS.has(chars[end]!)) end++;
    cut(end);
    i = end - 1;
  }
  cut(chars.length);
  return out;
}

const DURATION_ASKED = ['多久', '几天', '多长时间', '多少天', '几个工作日', '几个小时', '几小时', '什么时候', '何时', '多快', 'how long', 'how soon', 'how many days', 'how many hours', 'when', 'how fast', 'how far in advance'];
const AMOUNT_ASKED = ['多少钱', '多少', '几元', '费用', '运费', '价格', '收费', '加收', 'how much', 'how many', 'cost', 'fee', 'price', 'charge'];
const DURATION_UNITS = ['天', '小时', '分钟', '工作日', '个月', '年', '日', 'day', 'hour', 'minute', 'week', 'month', 'year', ':'];
const AMOUNT_UNITS = ['元', '¥', '￥', '%', '折', '积分', '分', 'yuan', 'point', 'cm', '厘米', '×', 'inch', '英寸'];

/** Whether a sentence holds a figure followed (within a few characters) by one of the units. */
function hasFigureWith(sentence: string, units: readonly string[]): boolean {
  const lower = sentence.toLowerCase();
  for (let i = 0; i < lower.length; i++) {
    const code = lower.charCodeAt(i);
    if (code < 48 || code > 57) continue;
    const after = lower.slice(i + 1, i + 8);
    if (units.some((u) => after.includes(u))) return true;
  }
  return false;
}

const asks = (question: string, cues: readonly string[]): boolean => {
  const q = question.toLowerCase();
  return cues.some((c) => q.includes(c));
};

/**
 * Up to `max` sentences of `text` that best answer `question`, in the passage's order. With no
 * word of the question in any sentence and no figure cue, the passage's first sentence (FAQ
 * passages open with their answer).
 */
export function answerSentences(question: string, text: string, max = 2): string[] {
  const sentences = splitSentences(text);
  if (sentences.length <= 1) return sentences;
  const asked = new Set(analyze(question).terms);
  const terms = sentences.map((s) => new Set(analyze(s).terms));
  const df = new Map<string, number>();
  for (const set of terms) for (const t of set) if (asked.has(t)) df.set(t, (df.get(t) ?? 0) + 1);
  const n = sentences.length;
  const duration = asks(question, DURATION_ASKED);
  const amount = asks(question, AMOUNT_ASKED);
  const lexical = sentences.map((_, i) => {
    let score = 0;
    for (const t of terms[i]!) {
      const d = df.get(t);
      if (d !== undefined) score += Math.log(1 + n / d);
    }
    return score;
  });
  // Asked "how long" or "how much", a sentence without such a figure does not answer, however
  // many of the question's words it shares: the figure weighs as much as the best word overlap.
  const top = Math.max(...lexical);
  const scores = sentences.map((s, i) => {
    const cue = (duration && hasFigureWith(s, DURATION_UNITS)) || (amount && hasFigureWith(s, AMOUNT_UNITS));
    return lexical[i]! + (cue ? Math.max(1.5, top) : 0);
  });
  const ranked = scores.map((score, i) => ({ score, i })).sort((a, b) => b.score - a.score || a.i - b.i);
  const best = ranked[0]!;
  if (best.score === 0) return sentences.slice(0, 1);
  // A second sentence only when it is about as much about the question as the first.
  const chosen = [best, ...ranked.slice(1, max).filter((r) => r.score > 0 && r.score >= best.score * 0.5)];
  return chosen.sort((a, b) => a.i - b.i).map((r) => sentences[r.i]!);
}

/** Sentences back into one text: a space after an English full stop, nothing after "。". */
export function joinSentences(sentences: readonly string[]): string {
  let out = '';
  for (const s of sentences) {
    if (out !== '' && !/[。！？」』）]$/u.test(out)) out += ' ';
    out += s;
  }
  return out;
}
