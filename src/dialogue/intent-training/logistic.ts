import type { Intent } from '../../contracts/reply-part.ts';

/**
 * Multinomial logistic regression over hashed features of normalised text: Han character 1-3
 * grams, Latin words, their crude stems, word bigrams and character 3-4 grams inside words (so a
 * misspelt or unseen inflection still shares most of its features). Trained by plain SGD with a
 * decaying step; a few epochs over the generated corpus take well under a second.
 */
const BITS = 18;
const SIZE = 1 << BITS;
const MASK = SIZE - 1;

export interface LogisticModel {
  intents: Intent[];
  /** weights[f * K + k]: feature bucket f, intent k. */
  weights: Float32Array;
  bias: Float32Array;
}

/** FNV-1a, 32-bit. */
function hash(s: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) {
    h ^= s.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}

/** A crude English stem: enough that refunds/refunded/refunding meet refund. */
function stem(w: string): string {
  if (w.length <= 4) return w;
  return w.replace(/(ing|ed|es|s|ly)$/, '');
}

/** Feature strings of normalised text (exported for tests and inspection). */
export function featureStrings(norm: string): string[] {
  const out: string[] = [];
  const tokens: string[] = [];
  for (const m of norm.matchAll(/\p{Script=Han}+|[a-z0-9#]+/gu)) {
    const run = m[0];
    if (/\p{Script=Han}/u.test(run)) {
      const chars = [...run];
      for (let i = 0; i < chars.length; i++) {
        out.push(`h${chars[i]}`);
        if (i + 1 < chars.length) out.push(`h${chars[i]}${chars[i + 1]}`);
        if (i + 2 < chars.length) out.push(`h${chars[i]}${chars[i + 1]}${chars[i + 2]}`);
      }
      tokens.push(chars.length <= 2 ? run : '');
    } else {
      out.push(`w${run}`);
      const s = stem(run);
      // A short word is its own stem: one feature, not two that double its weight.
      if (s !== run) out.push(`s${s}`);
      if (run.length >= 4) {
        const padded = `<${run}>`;
        for (let i = 0; i + 3 <= padded.length; i++) out.push(`c${padded.slice(i, i + 3)}`);
        for (let i = 0; i + 4 <= padded.length; i++) out.push(`c${padded.slice(i, i + 4)}`);
      }
      tokens.push(s);
    }
  }
  for (let i = 0; i + 1 < tokens.length; i++) {
    if (tokens[i] !== '' && tokens[i + 1] !== '') out.push(`b${tokens[i]}_${tokens[i + 1]}`);
  }
  if (tokens.length <= 2) out.push('len:short');
  else if (tokens.length >= 12) out.push('len:long');
  return out;
}

export function featureIndices(norm: string): Uint32Array {
  const set = new Set<number>();
  for (const f of featureStrings(norm)) set.add(hash(f) & MASK);
  return Uint32Array.from(set);
}

export interface TrainOptions {
  epochs?: number;
  learningRate?: number;
  /** L2 on touched weights, per update. */
  l2?: number;
  seed?: number;
}

/** Trains on (normalised text, intent) pairs. */
export function trainLogistic(examples: { norm: string; intent: Intent }[], intents: readonly Intent[], options: TrainOptions = {}): LogisticModel {
  const { epochs = 4, learningRate = 0.5, l2 = 1e-6, seed = 7 } = options;
  const K = intents.length;
  const index = new Map(intents.map((intent, k) => [intent, k]));
  const weights = new Float32Array(SIZE * K);
  const bias = new Float32Array(K);
  const data = examples.map((e) => ({ x: featureIndices(e.norm), y: index.get(e.intent) ?? 0 }));
  const order = data.map((_, i) => i);
  let a = seed >>> 0;
  const rnd = (): number => {
    a = (Math.imul(a, 1664525) + 1013904223) >>> 0;
    return a / 2 ** 32;
  };
  const z = new Float64Array(K);
  // The returned weights average the end of each epoch after the first (less variance from the
  // order of the last few thousand updates than the final iterate).
  const average = new Float32Array(weights.length);
  const averageBias = new Float32Array(K);
  let snapshots = 0;
  const total = epochs * order.length;
  let step = 0;
  for (let epoch = 0; epoch < epochs; epoch++) {
    for (let i = order.length - 1; i > 0; i--) {
      const j = Math.floor(rnd() * (i + 1));
      [order[i], order[j]] = [order[j] ?? 0, order[i] ?? 0];
    }
    for (const n of order) {
      const { x, y } = data[n] ?? { x: new Uint32Array(0), y: 0 };
      // Linear decay, scaled by the number of active features so long turns do not take bigger steps.
      const rate = (learningRate * (1 - step++ / total) + 0.01) / Math.sqrt(x.length + 1);
      scoreInto(weights, bias, x, K, z);
      softmaxInPlace(z);
      for (let k = 0; k < K; k++) {
        const g = (z[k] ?? 0) - (k === y ? 1 : 0);
        // Already right with room to spare: nothing to learn for this intent.
        if (Math.abs(g) < 2e-3) continue;
        bias[k] = (bias[k] ?? 0) - rate * 0.2 * g;
        const shrink = 1 - rate * l2;
        for (let i = 0; i < x.length; i++) {
          const w = (x[i] ?? 0) * K + k;
          weights[w] = (weights[w] ?? 0) * shrink - rate * g;
        }
      }
    }
    if (epoch > 0 || epochs === 1) {
      for (let i = 0; i < weights.length; i++) average[i] = (average[i] ?? 0) + (weights[i] ?? 0);
      for (let k = 0; k < K; k++) averageBias[k] = (averageBias[k] ?? 0) + (bias[k] ?? 0);
      snapshots++;
    }
  }
  for (let i = 0; i < average.length; i++) average[i] = (average[i] ?? 0) / snapshots;
  for (let k = 0; k < K; k++) averageBias[k] = (averageBias[k] ?? 0) / snapshots;
  return { intents: [...intents], weights: average, bias: averageBias };
}

function scoreInto(weights: Float32Array, bias: Float32Array, x: Uint32Array, K: number, z: Float64Array): void {
  for (let k = 0; k < K; k++) z[k] = bias[k] ?? 0;
  for (let i = 0; i < x.length; i++) {
    const base = (x[i] ?? 0) * K;
    for (let k = 0; k < K; k++) z[k] = (z[k] ?? 0) + (weights[base + k] ?? 0);
  }
}

function softmaxInPlace(z: Float64Array): void {
  let max = -Infinity;
  for (const v of z) if (v > max) max = v;
  let sum = 0;
  for (let k = 0; k < z.length; k++) {
    const e = Math.exp((z[k] ?? 0) - max);
    z[k] = e;
    sum += e;
  }
  for (let k = 0; k < z.length; k++) z[k] = (z[k] ?? 0) / sum;
}

export interface Prediction {
  /** Probability per intent, in `model.intents` order. */
  p: Float64Array;
  /** Share of the text's features that carry any weight: low means the model is guessing. */
  known: number;
}

/** Probabilities per intent (softmax at `temperature`; above 1 flattens) and feature coverage. */
export function predict(model: LogisticModel, norm: string, temperature = 1): Prediction {
  const K = model.intents.length;
  const x = featureIndices(norm);
  const z = new Float64Array(K);
  for (let k = 0; k < K; k++) z[k] = model.bias[k] ?? 0;
  let known = 0;
  for (const f of x) {
    const base = f * K;
    let any = false;
    for (let k = 0; k < K; k++) {
      const w = model.weights[base + k] ?? 0;
      if (w !== 0) any = true;
      z[k] = (z[k] ?? 0) + w;
    }
    if (any) known++;
  }
  for (let k = 0; k < K; k++) z[k] = (z[k] ?? 0) / temperature;
  softmaxInPlace(z);
  return { p: z, known: x.length === 0 ? 0 : known / x.length };
}
