import type { Intent } from '../../contracts/reply-part.ts';
import type { TrainingExample } from './expand.ts';
import { normalize } from './normalize.ts';

/**
 * Multinomial naive Bayes over character n-grams (Chinese runs: 1-3 grams) and words (Latin
 * tokens: unigrams, bigrams and inner trigrams for misspellings), trained from the template corpus.
 */
export interface NaiveBayesModel {
  intents: Intent[];
  /** log P(feature | intent) per intent, for features seen in training. */
  logLikelihood: Map<string, Float64Array>;
}

export interface NaiveBayesScore {
  /** Posterior per intent (same order as `model.intents`), tempered so it is not overconfident. */
  posterior: number[];
  /** Share of the message's features the model has seen in training: low means it is guessing. */
  coverage: number;
}

/** Features of already-normalised text. */
export function features(norm: string): string[] {
  const out: string[] = [];
  const words: string[] = [];
  for (const m of norm.matchAll(/\p{Script=Han}+|[a-z0-9#]+/gu)) {
    const run = m[0];
    if (/\p{Script=Han}/u.test(run)) {
      const chars = [...run];
      for (let n = 1; n <= 3; n++) {
        for (let i = 0; i + n <= chars.length; i++) out.push(chars.slice(i, i + n).join(''));
      }
      words.push('|');
    } else {
      out.push(`w:${run}`);
      if (run.length >= 5) for (let i = 0; i + 3 <= run.length; i++) out.push(`c:${run.slice(i, i + 3)}`);
      words.push(run);
    }
  }
  for (let i = 0; i + 1 < words.length; i++) {
    if (words[i] !== '|' && words[i + 1] !== '|') out.push(`b:${words[i]}_${words[i + 1]}`);
  }
  return out;
}

export function trainNaiveBayes(examples: TrainingExample[], alpha = 0.2): NaiveBayesModel {
  const intents = [...new Set(examples.map((e) => e.intent))];
  const index = new Map(intents.map((intent, i) => [intent, i]));
  const counts = new Map<string, Float64Array>();
  const totals = new Float64Array(intents.length);
  for (const { text, intent } of examples) {
    const k = index.get(intent) ?? 0;
    // Each feature counts once per sentence: templates repeat words, and presence is what matters.
    for (const f of new Set(features(normalize(text)))) {
      let row = counts.get(f);
      if (row === undefined) counts.set(f, (row = new Float64Array(intents.length)));
      row[k] = (row[k] ?? 0) + 1;
      totals[k] = (totals[k] ?? 0) + 1;
    }
  }
  const vocabulary = counts.size;
  const denominators = totals.map((t) => t + alpha * vocabulary);
  const logLikelihood = new Map<string, Float64Array>();
  // Features never seen are skipped when scoring (they would favour the smallest classes).
  for (const [f, row] of counts) {
    logLikelihood.set(f, row.map((c, k) => Math.log((c + alpha) / (denominators[k] ?? 1))));
  }
  return { intents, logLikelihood };
}

/** Scores normalised text; `temperature` flattens the posterior (naive Bayes is overconfident). */
export function scoreNaiveBayes(model: NaiveBayesModel, norm: string, temperature = 4): NaiveBayesScore {
  const feats = [...new Set(features(norm))];
  const logs = new Array<number>(model.intents.length).fill(0);
  let known = 0;
  for (const f of feats) {
    const row = model.logLikelihood.get(f);
    if (row === undefined) continue;
    known++;
    for (let k = 0; k < logs.length; k++) logs[k] = (logs[k] ?? 0) + (row[k] ?? 0);
  }
  const max = Math.max(...logs);
  const exps = logs.map((l) => Math.exp((l - max) / temperature));
  const sum = exps.reduce((a, b) => a + b, 0);
  return { posterior: exps.map((e) => e / sum), coverage: feats.length === 0 ? 0 : known / feats.length };
}
