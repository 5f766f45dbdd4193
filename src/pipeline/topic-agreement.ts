import { analyze } from '../knowledge/segmenter.ts';
import { remembered } from '../remembered.ts';

/** A passage as the check sees it: what the customer was shown it as ([n] = n-th) and its words. */
export interface TopicPassage {
  title: string;
  text: string;
  /** The retrieval score (BM25 over the whole knowledge base), when known. */
  score?: number;
}

/** A passage scored below this share of the best is not about the question (see also: 0.8). */
export const ABOUT_SCORE_RATIO = 0.75;

export interface TopicAgreement {
  /** Indexes (0-based) of the passages that are about the question. */
  about: Set<number>;
  /** The passage the reply's words come from most, or -1 when none shares a word with it. */
  source: number;
  /** The reply's share of words in `source`, and in the best passage about the question. */
  sourceSupport: number;
  aboutSupport: number;
}

/**
 * Question–passage–answer agreement, by the knowledge base's own analyzer (jieba words, bigrams,
 * stemmed English). A passage is about the question when its retrieval score is at least
 * ABOUT_SCORE_RATIO of the best one's: that score weighs the question's words by their rarity in the
 * whole knowledge base, which a few passages alone cannot ("运费" is in the invoice passage too).
 * Without scores, when it holds at least half the weight of the question's words the best passage
 * holds (weights: rarity among the given passages). The reply's source
 * is the passage that holds the largest share of the reply's words. One pass over each text.
 */
/** A text's index terms: the question and the passages are analysed once, not at every check of a turn or of the turns after it. */
const termsOf = remembered((text: string): ReadonlySet<string> => new Set(analyze(text).terms), 128);

export function topicAgreement(question: string, reply: string, passages: readonly TopicPassage[]): TopicAgreement {
  const asked = termsOf(question);
  const words = passages.map((p) => termsOf(`${p.title} ${p.text}`));
  const df = new Map<string, number>();
  for (const set of words) for (const t of set) if (asked.has(t)) df.set(t, (df.get(t) ?? 0) + 1);
  const relevance = words.map((set) => {
    let r = 0;
    for (const t of set) {
      const d = df.get(t);
      if (d !== undefined) r += Math.log(1 + passages.length / d);
    }
    return r;
  });
  const scored = passages.every((p) => p.score !== undefined && p.score > 0);
  const ranks = scored ? passages.map((p) => p.score!) : relevance;
  const best = Math.max(0, ...ranks);
  const about = new Set<number>();
  ranks.forEach((r, i) => {
    if (best > 0 && r >= best * (scored ? ABOUT_SCORE_RATIO : 0.5)) about.add(i);
  });
  const said = new Set(analyze(reply.replace(/\[\d+\]/g, ' ')).terms);
  const support = words.map((set) => {
    if (said.size === 0) return 0;
    let n = 0;
    for (const t of said) if (set.has(t)) n++;
    return n / said.size;
  });
  let source = -1;
  support.forEach((s, i) => {
    if (s > 0 && (source === -1 || s > support[source]!)) source = i;
  });
  const aboutSupport = Math.max(0, ...[...about].map((i) => support[i]!));
  return { about, source, sourceSupport: source === -1 ? 0 : support[source]!, aboutSupport };
}
