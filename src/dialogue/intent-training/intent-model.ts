import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { Intent } from '../../contracts/reply-part.ts';
import { trainingCorpus } from './expand.ts';
import { generateCorpus } from './generator.ts';
import { type LogisticModel, trainLogistic } from './logistic.ts';
import { normalize } from './normalize.ts';
import { T2S_FROM, T2S_TO } from './t2s-table.ts';

/**
 * The statistical half of the intent classifier: logistic regression trained on the template
 * corpus (templates.ts) plus the generated one (phrasebook.ts through generator.ts). Training takes
 * a few seconds on a loaded machine, so the weights are committed (`intent-weights.bin`, written by
 * `npm run train:intents`), stamped with a hash of the files they were trained from (templates,
 * phrasebook, generator, features, normaliser); when the stamp does not match (someone edited one
 * and did not retrain), the model is trained on first use instead, so a stale file is never used.
 */
export const WEIGHTS_FILE = fileURLToPath(new URL('./intent-weights.bin', import.meta.url));

/** Bump when something outside SOURCES changes what the weights mean. */
const CODE_VERSION = 'lr-4';
const PER_INTENT = 1000;
/** Models averaged: each trained on its own draw of the generated corpus and its own order. */
const SEEDS = 3;
const MAGIC = 'KFI1';
/** Weights smaller than this are dropped from the file (measured: no accuracy change). */
const PRUNE = 0.01;

function fnv(s: string): string {
  let h1 = 0x811c9dc5;
  let h2 = 0x01000193;
  for (let i = 0; i < s.length; i++) {
    h1 = Math.imul(h1 ^ s.charCodeAt(i), 0x01000193);
    h2 = Math.imul(h2 ^ s.charCodeAt(i), 0x5bd1e995);
  }
  return (h1 >>> 0).toString(16).padStart(8, '0') + (h2 >>> 0).toString(16).padStart(8, '0');
}

/** The files whose text decides what the model learns: any edit to them makes the weights stale. */
const SOURCES = ['expand.ts', 'generator.ts', 'logistic.ts', 'normalize.ts', 'phrasebook.ts', 'templates.ts', 't2s-table.ts'];

/** A hash of the training sources and settings: the file is valid only for these. */
export function trainingStamp(): string {
  const texts = SOURCES.map((f) => readFileSync(fileURLToPath(new URL(`./${f}`, import.meta.url)), 'utf8').replace(/\r\n/g, '\n'));
  return fnv(JSON.stringify([CODE_VERSION, PER_INTENT, SEEDS, ...texts]));
}

/** Simplified → Traditional for the generator, the inverse of the normaliser's table. */
function simplifiedToTraditional(): Map<string, string> {
  const to = [...T2S_TO];
  const map = new Map<string, string>();
  [...T2S_FROM].forEach((t, i) => {
    const s = to[i];
    if (s !== undefined && !map.has(s)) map.set(s, t);
  });
  return map;
}

/** Every training sentence, normalised, with its intent (the generated part drawn with `seed`). */
export function trainingSet(seed = 12): { norm: string; intent: Intent }[] {
  return [...trainingCorpus(), ...generateCorpus(PER_INTENT, simplifiedToTraditional(), seed)].map((e) => ({ norm: normalize(e.text), intent: e.intent }));
}

/**
 * Logistic regression is convex, so models trained on different draws land near one another and
 * their average is close to averaging their scores: one file, less of any single draw's luck.
 */
export function trainIntentModel(intents: readonly Intent[]): LogisticModel {
  const models = Array.from({ length: SEEDS }, (_, i) => trainLogistic(trainingSet(12 + i), intents, { seed: 7 + i }));
  const [first] = models;
  if (first === undefined || models.length === 1) return first ?? trainLogistic(trainingSet(), intents);
  const weights = new Float32Array(first.weights.length);
  const bias = new Float32Array(first.bias.length);
  for (const m of models) {
    for (let i = 0; i < weights.length; i++) weights[i] = (weights[i] ?? 0) + (m.weights[i] ?? 0) / models.length;
    for (let k = 0; k < bias.length; k++) bias[k] = (bias[k] ?? 0) + (m.bias[k] ?? 0) / models.length;
  }
  return { intents: first.intents, weights, bias };
}

/** The committed weights as bytes: header, bias, then pruned weights as varint gaps and int8 values. */
export function serializeModel(model: LogisticModel, stamp: string): Uint8Array {
  const kept: [number, number][] = [];
  let max = 0;
  model.weights.forEach((w, i) => {
    if (Math.abs(w) >= PRUNE) {
      kept.push([i, w]);
      max = Math.max(max, Math.abs(w));
    }
  });
  const scale = max / 127 || 1;
  const header = JSON.stringify({ stamp, intents: model.intents, size: model.weights.length, scale, bias: [...model.bias], count: kept.length });
  const bytes: number[] = [];
  let last = -1;
  for (const [i, w] of kept) {
    let gap = i - last;
    last = i;
    while (gap >= 0x80) {
      bytes.push((gap & 0x7f) | 0x80);
      gap >>>= 7;
    }
    bytes.push(gap);
    bytes.push(Math.round(w / scale) & 0xff);
  }
  const head = new TextEncoder().encode(`${MAGIC}${header}\n`);
  const out = new Uint8Array(head.length + bytes.length);
  out.set(head);
  out.set(bytes, head.length);
  return out;
}

interface Header {
  stamp: string;
  intents: Intent[];
  size: number;
  scale: number;
  bias: number[];
  count: number;
}

/** Reads committed weights; undefined when the file is missing, malformed or for other sources. */
export function deserializeModel(data: Uint8Array, stamp: string): LogisticModel | undefined {
  const newline = data.indexOf(10);
  if (newline < 0) return undefined;
  const head = new TextDecoder().decode(data.subarray(0, newline));
  if (!head.startsWith(MAGIC)) return undefined;
  let header: Header;
  try {
    header = JSON.parse(head.slice(MAGIC.length)) as Header;
  } catch {
    return undefined;
  }
  if (header.stamp !== stamp) return undefined;
  const weights = new Float32Array(header.size);
  let pos = newline + 1;
  let index = -1;
  for (let n = 0; n < header.count; n++) {
    let gap = 0;
    let shift = 0;
    let byte: number;
    do {
      byte = data[pos++] ?? 0;
      gap |= (byte & 0x7f) << shift;
      shift += 7;
    } while (byte & 0x80);
    index += gap;
    const q = data[pos++] ?? 0;
    weights[index] = (q > 127 ? q - 256 : q) * header.scale;
  }
  return { intents: header.intents, weights, bias: Float32Array.from(header.bias) };
}

/**
 * The committed model when it matches the sources, else one trained now from a single draw (a
 * few seconds, not the committed file's three; the test that checks the stamp says to retrain).
 */
export function loadIntentModel(intents: readonly Intent[]): LogisticModel {
  if (existsSync(WEIGHTS_FILE)) {
    const model = deserializeModel(readFileSync(WEIGHTS_FILE), trainingStamp());
    if (model !== undefined && model.intents.join() === intents.join()) return model;
  }
  return trainLogistic(trainingSet(), intents);
}
