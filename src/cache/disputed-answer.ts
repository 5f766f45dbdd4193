import type { Emotion } from '../contracts/reply-part.ts';
import { jaccard, normaliseQuestion, questionFeatures } from './normalise.ts';
import type { CacheLang } from '../contracts/answer-cache.ts';

/** Why the customer's next turn says the answer before it did not do: it is then not kept. */
export type Dispute = 'rephrase' | 'complaint' | 'dissatisfied' | 'low_rating';

/**
 * Lexical similarity (as the cache measures it) above which the next question asks the same
 * thing again: "What payment methods do you accept?" then "Which payment methods do you
 * accept?" (1.0); a follow-up on another point of the same topic stays below.
 */
export const REPHRASE_SIMILARITY = 0.5;

/** A session rated at or below this had answers that did not help. */
export const LOW_RATING = 2;

const langOf = (text: string): CacheLang => (/\p{Script=Han}/u.test(text) ? 'zh' : 'en');

/** The same question asked again in other (or the same) words. */
export function isRephrase(previous: string, next: string): boolean {
  const lang = langOf(previous);
  if (langOf(next) !== lang) return false;
  const a = questionFeatures(normaliseQuestion(previous, lang));
  const b = questionFeatures(normaliseQuestion(next, lang));
  return jaccard(a, b) >= REPHRASE_SIMILARITY;
}

/**
 * What the customer's next turn says about the answer to `previousQuestion`: a complaint, a
 * dissatisfied or angry turn, or the same question again. Null: nothing against it.
 */
export function disputeOf(previousQuestion: string, next: { text: string; intent?: unknown; emotion?: Partial<Emotion> | undefined }): Dispute | null {
  if (next.intent === 'complaint') return 'complaint';
  if (next.emotion?.label === 'dissatisfied' || next.emotion?.label === 'angry') return 'dissatisfied';
  return isRephrase(previousQuestion, next.text) ? 'rephrase' : null;
}
