/**
 * Precision and recall of the grounding check (replyFaults, src/pipeline/grounding-check.ts) on a
 * labelled set built from real replies: eval/grounding/real-replies.jsonl (the shipped embedded
 * model over demo-KB questions through the HTTP API, scripts/make-grounding-replies.ts; labels
 * checked by hand in eval/grounding/real-labels.json, good unless listed), a second batch made
 * after the gate (real-replies-2.jsonl: the reply as it streamed before the gate withdrew it;
 * real-labels-2.json) and four mechanical
 * corruptions of each good real reply, all labelled bad: cut at a random word boundary
 * (truncated), a made-up word inserted (garbled), the answer of a question about another document
 * (swapped), the citation moved to a retrieved passage of another document (miscited).
 * Deterministic (seeded). Bad is the positive class.
 *
 *   npm run eval:grounding [-- --write]   (--write: eval/grounding/results.json)
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { chunkText } from '../src/knowledge/chunker.ts';
import { loadKbFiles } from '../src/knowledge/load-kb-files.ts';
import { replyFaults, strictGroundingFailures } from '../src/pipeline/grounding-check.ts';
import { gatedFaults } from '../src/pipeline/grounding-gate.ts';
import type { TopicPassage } from '../src/pipeline/topic-agreement.ts';

const ROOT = path.resolve(import.meta.dirname, '..');

interface RealReply {
  question: string;
  reply: string;
  sources: { id: string; score: number }[];
  model: string;
}

export interface Case {
  kind: 'real' | 'truncated' | 'garbled' | 'swapped' | 'miscited';
  bad: boolean;
  question: string;
  reply: string;
  passages: TopicPassage[];
}

/** mulberry32: the same set on every run. */
function rng(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** The knowledge part of a shown reply: a complaint notice or a flow's resume line after it is not judged. */
function knowledgePart(reply: string): string {
  const lines = reply.split('\n');
  return [lines[0]!, ...lines.slice(1).filter((l) => /^(?:另请参考|See also)/.test(l))].join('\n');
}

const CITES_AT_END = /(?:\s*\[\d+\])+\s*$/u;
const docOf = (id: string): string => id.replace(/#\d+$/, '');
/** Made-up words like the ones seen ("Hdatapping"): syllables of no language glued together. */
const SYLLABLES = ['hda', 'tap', 'ping', 'xu', 'qor', 'blen', 'vik', 'str', 'oum', 'zah'];
const HAN_NOISE = [...'獭罍鼗彧龘爨齉鬯'];

/** The batches of real replies with their hand labels (by line, bad ones only), as one list. */
const BATCHES = [
  ['real-replies.jsonl', 'real-labels.json'],
  ['real-replies-2.jsonl', 'real-labels-2.json'],
] as const;

function readBatches(): { real: RealReply[]; labels: Record<string, string> } {
  const real: RealReply[] = [];
  const labels: Record<string, string> = {};
  for (const [replies, labelled] of BATCHES) {
    if (!existsSync(path.join(ROOT, 'eval/grounding', labelled))) continue;
    const batch = JSON.parse(readFileSync(path.join(ROOT, 'eval/grounding', labelled), 'utf8')) as Record<string, string>;
    for (const [line, why] of Object.entries(batch)) labels[String(real.length + Number(line))] = why;
    real.push(...readFileSync(path.join(ROOT, 'eval/grounding', replies), 'utf8').split('\n').filter((l) => l.trim() !== '').map((l) => JSON.parse(l) as RealReply));
  }
  return { real, labels };
}

export async function buildCases(): Promise<Case[]> {
  const { documents } = await loadKbFiles([path.join(ROOT, 'kb/demo-shop')]);
  const passage = new Map<string, TopicPassage>();
  for (const d of documents) chunkText(d.text).forEach((text, i) => passage.set(`${d.id}#${i}`, { title: d.title, text }));
  const { real, labels } = readBatches();
  const random = rng(15);
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(random() * xs.length)]!;
  const cases: Case[] = [];
  const withPassages = real.map((r) => ({ ...r, reply: knowledgePart(r.reply), passages: r.sources.map((s) => ({ ...passage.get(s.id)!, score: s.score })) }));
  for (const [i, r] of withPassages.entries()) {
    if (r.passages.some((p) => p.text === undefined)) continue;
    const label = labels[String(i)];
    cases.push({ kind: 'real', bad: label !== undefined, question: r.question, reply: r.reply, passages: r.passages });
    if (label !== undefined) continue;
    const answer = r.reply.split('\n')[0]!;
    const body = answer.replace(CITES_AT_END, '');
    const cites = answer.slice(body.length).trim() || '[1]';
    const zh = /\p{Script=Han}/u.test(body);
    // Word boundaries: spaces in English, between two Han characters in Chinese; never right after a sentence end.
    const boundaries: number[] = [];
    const chars = Array.from(body);
    for (let k = Math.floor(chars.length * 0.3); k < chars.length - 2; k++) {
      const prev = chars[k - 1]!;
      if (/[。.!?！？；;:：,，、)）」]/u.test(prev)) continue;
      if (zh ? /\p{Script=Han}/u.test(prev) && /\p{Script=Han}/u.test(chars[k]!) : chars[k] === ' ' && /[a-z]/i.test(prev)) boundaries.push(k);
    }
    if (boundaries.length > 0) {
      const at = pick(boundaries);
      cases.push({ kind: 'truncated', bad: true, question: r.question, reply: `${chars.slice(0, at).join('').trimEnd()} ${cites}`, passages: r.passages });
      const at2 = pick(boundaries);
      const noise = zh ? `${pick(HAN_NOISE)}${pick(HAN_NOISE)}` : `${pick(SYLLABLES)}${pick(SYLLABLES)}${pick(SYLLABLES)}`.replace(/^./, (c) => c.toUpperCase());
      cases.push({ kind: 'garbled', bad: true, question: r.question, reply: `${chars.slice(0, at2).join('')}${zh ? '' : ' '}${noise}${chars.slice(at2).join('')} ${cites}`.replace(/ {2,}/g, ' '), passages: r.passages });
    }
    // Another question's answer, from another document, in the same language.
    const others = withPassages.filter((o) => labels[String(withPassages.indexOf(o))] === undefined && docOf(o.sources[0]!.id) !== docOf(r.sources[0]!.id) && !r.sources.some((s) => docOf(s.id) === docOf(o.sources[0]!.id)) && /\p{Script=Han}/u.test(o.reply) === zh);
    if (others.length > 0) cases.push({ kind: 'swapped', bad: true, question: r.question, reply: pick(others).reply, passages: r.passages });
    // The citation moved to a retrieved passage of another document.
    const cited = Number(/\[(\d+)\]/.exec(answer)?.[1] ?? '1');
    const elsewhere = r.sources.map((s, k) => ({ s, k })).filter(({ s }) => docOf(s.id) !== docOf(r.sources[cited - 1]?.id ?? ''));
    if (elsewhere.length > 0) cases.push({ kind: 'miscited', bad: true, question: r.question, reply: answer.replace(/\[\d+\]/g, `[${pick(elsewhere).k + 1}]`), passages: r.passages });
  }
  return cases;
}

interface Figures {
  cases: number;
  bad: number;
  good: number;
  precision: number;
  recall: number;
  falsePositiveRate: number;
  recallByKind: Record<string, string>;
}

function score(cases: readonly Case[], flagged: (c: Case) => boolean): Figures {
  let tp = 0;
  let fp = 0;
  let fn = 0;
  const byKind: Record<string, [number, number]> = {};
  for (const c of cases) {
    const f = flagged(c);
    if (c.bad && f) tp++;
    if (!c.bad && f) fp++;
    if (c.bad && !f) fn++;
    if (c.bad) {
      const k = (byKind[c.kind] ??= [0, 0]);
      k[1]++;
      if (f) k[0]++;
    }
  }
  const good = cases.filter((c) => !c.bad).length;
  const round = (x: number): number => Math.round(x * 1000) / 1000;
  return {
    cases: cases.length,
    bad: tp + fn,
    good,
    precision: round(tp / Math.max(1, tp + fp)),
    recall: round(tp / Math.max(1, tp + fn)),
    falsePositiveRate: round(fp / Math.max(1, good)),
    recallByKind: Object.fromEntries(Object.entries(byKind).map(([k, [hit, n]]) => [k, `${hit}/${n}`])),
  };
}

if (import.meta.filename === process.argv[1]) {
  const cases = await buildCases();
  const allowed = (c: Case): string => [c.question, ...c.passages.map((p) => `${p.title} ${p.text}`)].join('\n');
  const results = {
    replyFaults: score(cases, (c) => replyFaults(c.question, c.reply, c.passages).length > 0),
    // What the grounding gate withholds from the customer (uncited replies are shown, not kept).
    gate: score(cases, (c) => gatedFaults(c.question, c.reply, c.passages).length > 0),
    gateOnRealRepliesOnly: score(cases.filter((c) => c.kind === 'real'), (c) => gatedFaults(c.question, c.reply, c.passages).length > 0),
    strictOnly: score(cases, (c) => strictGroundingFailures(c.reply.replace(/\n(?:另请参考|See also)[^\n]*$/u, ''), allowed(c), c.passages.length).length > 0),
  };
  console.log(JSON.stringify(results, null, 2));
  if (process.argv.includes('--verbose')) {
    for (const c of cases) {
      const f = replyFaults(c.question, c.reply, c.passages);
      if ((f.length > 0) !== c.bad) console.log(`${c.bad ? 'MISSED' : 'FALSE'} ${c.kind} [${f.join(',')}] ${c.question} → ${c.reply.replace(/\n/g, ' ⏎ ')}`);
    }
  }
  if (process.argv.includes('--write')) writeFileSync(path.join(ROOT, 'eval/grounding/results.json'), `${JSON.stringify(results, null, 2)}\n`);
}
