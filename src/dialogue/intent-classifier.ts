import type { Intent } from '../contracts/reply-part.ts';
import { loadIntentModel } from './intent-training/intent-model.ts';
import { LEXICON, type LexiconRule } from './intent-training/lexicon.ts';
import { type LogisticModel, predict } from './intent-training/logistic.ts';
import { normalizedText } from './normalized-text.ts';
import { remembered } from '../remembered.ts';

/**
 * The embedded intent classifier: weighted lexicon rules (precise, hand-written) plus a logistic
 * regression over hashed character n-grams and word features (intent-training/intent-model.ts,
 * trained from the template corpus and a much larger generated one; it carries the phrasings the
 * rules miss). Both score every intent; a softmax over the combined scores gives calibrated
 * probabilities (`rankIntents`), and the best one's is the confidence. docs/nlu.md has the numbers.
 */
export interface IntentClassification {
  intent: Intent;
  /** 0..1, the calibrated probability of the intent; below 0.5 is a guess. */
  confidence: number;
  /** Finer label, e.g. `logistics.delivery_time`, when a rule says which. */
  subIntent?: string;
}

export const INTENTS: readonly Intent[] = [
  'order_status', 'logistics', 'return', 'refund', 'exchange', 'address_change', 'cancel_order',
  'invoice', 'price_coupon', 'product_question', 'payment_problem', 'complaint', 'human_agent',
  'greeting', 'goodbye', 'chitchat', 'other',
];

/** How much the model's probability (0..1) adds to an intent's rule score (anchors weigh 4-5). */
const MODEL_WEIGHT = 4;
/** Extra rule matches for one intent count at this fraction: one anchor decides, more only help. */
const EXTRA_MATCH_FACTOR = 0.5;
/** Below this combined score nothing fits: the answer is `other`. */
const MIN_EVIDENCE = 1.2;
/**
 * Softmax temperature over combined scores. Fitted by log-loss on the fresh batches and the dev set
 * (eval/nlu/): best at 0.6, where these sets, written by the training text's author, are easy; 0.8
 * stays a little more cautious for text less like the training text (docs/nlu.md).
 */
const TEMPERATURE = 0.8;

let model: LogisticModel | undefined;

/** The statistical model: committed weights, or trained on first use when they are stale. */
function getModel(): LogisticModel {
  model ??= loadIntentModel(INTENTS);
  return model;
}

export interface IntentScores {
  normalized: string;
  /** Combined score per intent. */
  scores: ReadonlyMap<Intent, number>;
  /** The sub-intent of each intent's strongest rule. */
  subIntents: ReadonlyMap<Intent, string>;
}

const QUESTION = /[?？]|吗|么|呢|怎么|如何|多久|哪|\b(how|what|when|where|why|can|could|is|are|do|does|will)\b/i;

/**
 * Scores every intent for one message; `classifyIntent` picks from these. Remembered: the NLU
 * scores each message twice (its intent, then its candidates) and customers ask the same
 * questions all day (issue 16). Keys are the masked text the NLU reads; nothing changes a result.
 */
export const scoreIntents: (text: string) => IntentScores = remembered(computeScores, 512);

/**
 * Per intent, one pattern joining its lexicon rules' patterns as alternatives: it matches exactly
 * when one of them does, and a message matches rules of one or two intents of seventeen, so the
 * rules of the others are not run one by one (half the lexicon's time). Rules stay in lexicon
 * order for those that are run.
 */
let intentGates: readonly (readonly [Intent, RegExp])[] | undefined;

function gatesByIntent(): readonly (readonly [Intent, RegExp])[] {
  if (intentGates === undefined) {
    const byIntent = new Map<Intent, LexiconRule[]>();
    for (const rule of LEXICON) byIntent.set(rule.intent, [...(byIntent.get(rule.intent) ?? []), rule]);
    // A pattern that cannot be joined (other flags, a backreference or named group) keeps its intent always live.
    const joinable = (rules: readonly LexiconRule[]): boolean =>
      rules.every((r) => r.re.flags === rules[0]!.re.flags && !r.re.global && !r.re.sticky && !/\\[1-9]|\\k<|\(\?<[A-Za-z]/u.test(r.re.source));
    intentGates = [...byIntent].map(([intent, rules]) =>
      [intent, joinable(rules) ? new RegExp(rules.map((r) => `(?:${r.re.source})`).join('|'), rules[0]!.re.flags) : /(?:)/u] as const);
  }
  return intentGates;
}

function intentsWithAMatch(normalized: string): Set<Intent> {
  const live = new Set<Intent>();
  for (const [intent, gate] of gatesByIntent()) if (gate.test(normalized)) live.add(intent);
  return live;
}

function computeScores(text: string): IntentScores {
  const normalized = normalizedText(text);
  const matches = new Map<Intent, number[]>();
  const subIntents = new Map<Intent, string>();
  const strongest = new Map<Intent, number>();
  const live = intentsWithAMatch(normalized);
  for (const rule of LEXICON) {
    if (!live.has(rule.intent) || !rule.re.test(normalized)) continue;
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
    const { p, known } = predict(m, normalized);
    // Text made of features the model never saw (keyboard mashing) earns it little say.
    const say = MODEL_WEIGHT * Math.min(1, 0.25 + known);
    m.intents.forEach((intent, k) => {
      scores.set(intent, (scores.get(intent) ?? 0) + say * (p[k] ?? 0));
    });
  }
  return { normalized, scores, subIntents };
}

// The ranking of a scores object, computed once: scores are remembered per text and read-only.
const ranked = new WeakMap<ReadonlyMap<Intent, number>, readonly RankedIntent[]>();

/** Calibrated probabilities over all intents from the combined scores, best first. */
function distribution(scores: ReadonlyMap<Intent, number>): readonly RankedIntent[] {
  let out = ranked.get(scores);
  if (out === undefined) {
    out = computeDistribution(scores);
    ranked.set(scores, out);
  }
  return out;
}

function computeDistribution(scores: ReadonlyMap<Intent, number>): RankedIntent[] {
  const entries = [...scores];
  const max = Math.max(...entries.map(([, v]) => v));
  const exps = entries.map(([intent, v]) => [intent, Math.exp((v - max) / TEMPERATURE)] as const);
  const sum = exps.reduce((a, [, e]) => a + e, 0);
  return exps.map(([intent, e]) => ({ intent, confidence: e / sum })).sort((a, b) => b.confidence - a.confidence);
}

const round = (x: number): number => Math.round(x * 100) / 100;

/** The intent of one customer message, with a confidence and, when known, a finer sub-intent. */
export function classifyIntent(text: string): IntentClassification {
  const { normalized, scores, subIntents } = scoreIntents(text);
  if (normalized.length === 0) return { intent: 'other', confidence: 0.6, subIntent: 'other.empty' };
  const best = Math.max(...scores.values());
  if (best < MIN_EVIDENCE) {
    // Nothing recognisable (keyboard mashing, a lone number): say so rather than guess.
    return { intent: 'other', confidence: 0.3, subIntent: 'other.unknown' };
  }
  const [top] = distribution(scores);
  if (top === undefined) return { intent: 'other', confidence: 0.3, subIntent: 'other.unknown' };
  const result: IntentClassification = { intent: top.intent, confidence: round(Math.min(top.confidence, 0.99)) };
  const sub = subIntents.get(top.intent);
  if (sub !== undefined) result.subIntent = sub;
  return result;
}

export interface RankedIntent {
  intent: Intent;
  /** Calibrated probability, 0..1; over all intents they sum to 1. */
  confidence: number;
}

/**
 * The `k` likeliest intents, best first, with calibrated probabilities: what a "did you mean…"
 * question offers when the best one is not sure enough. The first is `classifyIntent`'s answer,
 * except where classifyIntent says `other` for want of evidence ("东西坏了"): the readings are
 * still ranked, each with a low probability, since those are the ones worth offering.
 */
export function rankIntents(text: string, k = 3): RankedIntent[] {
  const { normalized, scores } = scoreIntents(text);
  if (normalized.length === 0) return [{ intent: 'other', confidence: 0.6 }];
  return distribution(scores).slice(0, k).map((r) => ({ intent: r.intent, confidence: Math.round(r.confidence * 1000) / 1000 }));
}
