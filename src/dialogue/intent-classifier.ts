import type { Intent } from '../contracts/reply-part.ts';
import { trainingCorpus } from './intent-training/expand.ts';
import { LEXICON } from './intent-training/lexicon.ts';
import { type NaiveBayesModel, scoreNaiveBayes, trainNaiveBayes } from './intent-training/naive-bayes.ts';
import { normalize } from './intent-training/normalize.ts';

/**
 * The embedded intent classifier: weighted lexicon rules (precise, hand-written) plus a naive
 * Bayes model over character n-grams (trained once, on first use, from the template corpus in
 * `intent-training/`; it covers phrasings the rules miss). Both score every intent; the best
 * wins, and the margin over the runner-up becomes the confidence.
 */
export interface IntentClassification {
  intent: Intent;
  /** 0..1, from the margin between the best and second-best intent; below 0.5 is a guess. */
  confidence: number;
  /** Finer label, e.g. `logistics.delivery_time`, when a rule says which. */
  subIntent?: string;
}

export const INTENTS: readonly Intent[] = [
  'order_status', 'logistics', 'return', 'refund', 'exchange', 'address_change', 'cancel_order',
  'invoice', 'price_coupon', 'product_question', 'payment_problem', 'complaint', 'human_agent',
  'greeting', 'goodbye', 'chitchat', 'other',
];

/** How much the model's posterior (0..1) adds to an intent's rule score (anchors weigh 4-5). */
const MODEL_WEIGHT = 2.5;
/** Extra rule matches for one intent count at this fraction: one anchor decides, more only help. */
const EXTRA_MATCH_FACTOR = 0.5;

let model: NaiveBayesModel | undefined;

/** The n-gram model, trained on first use (about 50 ms) and kept. */
function getModel(): NaiveBayesModel {
  model ??= trainNaiveBayes(trainingCorpus());
  return model;
}

export interface IntentScores {
  normalized: string;
  /** Combined score per intent. */
  scores: Map<Intent, number>;
  /** The sub-intent of each intent's strongest rule. */
  subIntents: Map<Intent, string>;
}

const QUESTION = /[?？]|吗|么|呢|怎么|如何|多久|哪|\b(how|what|when|where|why|can|could|is|are|do|does|will)\b/i;

/** Scores every intent for one message; `classifyIntent` picks from these. */
export function scoreIntents(text: string): IntentScores {
  const normalized = normalize(text);
  const matches = new Map<Intent, number[]>();
  const subIntents = new Map<Intent, string>();
  const strongest = new Map<Intent, number>();
  for (const rule of LEXICON) {
    if (!rule.re.test(normalized)) continue;
    const list = matches.get(rule.intent) ?? [];
    list.push(rule.weight);
    matches.set(rule.intent, list);
    if (rule.sub !== undefined && rule.weight > (strongest.get(rule.intent) ?? 0)) {
      strongest.set(rule.intent, rule.weight);
      subIntents.set(rule.intent, `${rule.intent}.${rule.sub}`);
    }
  }
  const scores = new Map<Intent, number>();
  for (const intent of INTENTS) {
    const weights = matches.get(intent) ?? [];
    const positive = weights.filter((w) => w > 0).sort((a, b) => b - a);
    const negative = weights.filter((w) => w < 0).reduce((a, b) => a + b, 0);
    const rules = (positive[0] ?? 0) + EXTRA_MATCH_FACTOR * positive.slice(1).reduce((a, b) => a + b, 0) + negative;
    scores.set(intent, rules);
  }
  // Thanks or a hello next to a real question is politeness, not the point of the message.
  const taskEvidence = Math.max(...INTENTS.filter((i) => i !== 'greeting' && i !== 'goodbye').map((i) => scores.get(i) ?? 0));
  if (taskEvidence >= 2 && QUESTION.test(text)) {
    scores.set('goodbye', (scores.get('goodbye') ?? 0) - 1.5);
    scores.set('greeting', (scores.get('greeting') ?? 0) - 1.5);
  }
  if (normalized.length > 0) {
    const m = getModel();
    const { posterior, coverage } = scoreNaiveBayes(m, normalized);
    m.intents.forEach((intent, k) => {
      scores.set(intent, (scores.get(intent) ?? 0) + MODEL_WEIGHT * (posterior[k] ?? 0) * coverage);
    });
  }
  return { normalized, scores, subIntents };
}

/** The intent of one customer message, with a confidence and, when known, a finer sub-intent. */
export function classifyIntent(text: string): IntentClassification {
  const { normalized, scores, subIntents } = scoreIntents(text);
  if (normalized.length === 0) return { intent: 'other', confidence: 0.6, subIntent: 'other.empty' };
  const ranked = [...scores].sort((a, b) => b[1] - a[1]);
  const [best, second] = ranked;
  if (best === undefined || best[1] < 1.2) {
    // Nothing recognisable (keyboard mashing, a lone number): say so rather than guess.
    return { intent: 'other', confidence: 0.3, subIntent: 'other.unknown' };
  }
  const margin = best[1] - (second?.[1] ?? 0);
  // Margin 0 → 0.2 (a coin toss), 2 → ~0.7, 4+ → ~0.9; weak total evidence caps it (the model
  // alone, with no rule behind it, stays below 0.5).
  const confidence = Math.min(0.2 + 0.75 * (1 - Math.exp(-margin / 1.6)), 0.2 + best[1] / 8, 0.99);
  const result: IntentClassification = { intent: best[0], confidence: Math.round(confidence * 100) / 100 };
  const sub = subIntents.get(best[0]);
  if (sub !== undefined) result.subIntent = sub;
  return result;
}

export interface RankedIntent {
  intent: Intent;
  /** Probability-like, 0..1; the list sums to at most 1. */
  confidence: number;
}

/**
 * The `k` likeliest intents, best first, for "did you mean…" quick replies when the top one is
 * not sure enough. A softmax over the combined scores (temperature 1.2).
 */
export function rankIntents(text: string, k = 3): RankedIntent[] {
  const { scores } = scoreIntents(text);
  const entries = [...scores];
  const max = Math.max(...entries.map(([, s]) => s));
  const exps = entries.map(([intent, s]) => [intent, Math.exp((s - max) / 1.2)] as const);
  const sum = exps.reduce((a, [, e]) => a + e, 0);
  return exps
    .map(([intent, e]) => ({ intent, confidence: Math.round((e / sum) * 1000) / 1000 }))
    .sort((a, b) => b.confidence - a.confidence)
    .slice(0, k);
}
