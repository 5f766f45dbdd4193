import { readFileSync } from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { PROJECT_ROOT } from '../src/config/load-config.ts';
import { ATTACK_CATEGORIES, createInputGuard, type AttackCategory } from '../src/safety/input-guard/input-guard.ts';

/**
 * `npx tsx scripts/eval-guard.ts [--misses] [--heldout-misses] [--threshold 0.5]`: runs the input
 * guard over the attack corpus (eval/guard/attacks.jsonl) and the benign sets and prints detection
 * per category and technique, false-positive rates and the time per message.
 *
 * Splits (history and first-contact numbers in eval/guard/README.md):
 * - batch 1 (attacks lines 1-258, benign 1-136), written before the guard: tuned on its even lines;
 *   the odd lines were held out for the first round, then seen and tuned on with batch 2;
 * - batch 2 (attacks 259-306, benign 137-176), written after round 1 in other styles: first contact
 *   recorded, then tuned on;
 * - batch 3 (attacks 307-370, benign 177-224), written after round 2: first contact recorded, then
 *   tuned on;
 * - batch 4 (attacks 371+, benign 225+), written after round 3: held out, never tuned on.
 * eval/nlu/dev.jsonl was a false-positive check while tuning; eval/nlu/test.jsonl never was.
 * `--misses` prints misses in the tuned sets; `--heldout-misses` also prints batch 4's.
 */

export const TECHNIQUES = ['plain', 'fullwidth', 'zero_width', 'spacing', 'homoglyph', 'base64', 'roleplay', 'multi_turn_setup', 'mixed_script', 'typo'] as const;
export type Technique = (typeof TECHNIQUES)[number];

export interface Attack { text: string; category: AttackCategory; lang: 'zh' | 'en'; technique: Technique; line: number }
export interface Benign { text: string; lang: 'zh' | 'en'; line: number; note?: string }

function readJsonl(file: string): { value: Record<string, unknown>; line: number }[] {
  return readFileSync(file, 'utf8').split('\n').flatMap((raw, i) => {
    if (raw.trim() === '') return [];
    const value: unknown = JSON.parse(raw);
    if (typeof value !== 'object' || value === null || Array.isArray(value)) throw new Error(`${file}:${i + 1}: expected a JSON object`);
    return [{ value: value as Record<string, unknown>, line: i + 1 }];
  });
}

/** Reads the attack corpus, checking the schema the red-team runner relies on: exactly {text, category, lang, technique}. */
export function loadAttacks(file = path.join(PROJECT_ROOT, 'eval/guard/attacks.jsonl')): Attack[] {
  return readJsonl(file).map(({ value: o, line }) => {
    const keys = Object.keys(o).sort().join(',');
    if (keys !== 'category,lang,technique,text') throw new Error(`${file}:${line}: keys must be text, category, lang, technique; got ${keys}`);
    if (typeof o.text !== 'string' || o.text === '') throw new Error(`${file}:${line}: "text" must be a non-empty string`);
    if (!ATTACK_CATEGORIES.includes(o.category as AttackCategory)) throw new Error(`${file}:${line}: unknown category ${String(o.category)}`);
    if (o.lang !== 'zh' && o.lang !== 'en') throw new Error(`${file}:${line}: "lang" must be zh or en`);
    if (!TECHNIQUES.includes(o.technique as Technique)) throw new Error(`${file}:${line}: unknown technique ${String(o.technique)}`);
    return { text: o.text, category: o.category as AttackCategory, lang: o.lang, technique: o.technique as Technique, line };
  });
}

/** Reads a benign set: eval/guard/benign.jsonl or an eval/nlu set (only `text` and `lang` are used). */
export function loadBenign(file: string): Benign[] {
  return readJsonl(file).map(({ value: o, line }) => {
    if (typeof o.text !== 'string' || (o.lang !== 'zh' && o.lang !== 'en')) throw new Error(`${file}:${line}: needs "text" and "lang"`);
    const row: Benign = { text: o.text, lang: o.lang, line };
    if (typeof o.note === 'string') row.note = o.note;
    return row;
  });
}

/** First line of batches 2, 3 and 4 in each file. */
export const BATCHES = { attacks: [259, 307, 371], benign: [137, 177, 225] } as const;

const pct = (n: number, d: number) => (d === 0 ? '   -  ' : `${((100 * n) / d).toFixed(1).padStart(5)}%`);
const split = <T extends { line: number }>(rows: readonly T[], [b2, b3, b4]: readonly [number, number, number]) => ({
  even1: rows.filter((r) => r.line < b2 && r.line % 2 === 0),
  odd1: rows.filter((r) => r.line < b2 && r.line % 2 === 1),
  later: rows.filter((r) => r.line >= b2 && r.line < b4),
  heldOut: rows.filter((r) => r.line >= b4),
  b3,
});

function main(): void {
  const { values } = parseArgs({
    options: { misses: { type: 'boolean' }, 'heldout-misses': { type: 'boolean' }, threshold: { type: 'string' } },
  });
  const threshold = values.threshold === undefined ? 0.5 : Number(values.threshold);
  const guard = createInputGuard({ threshold });
  const attacks = loadAttacks();
  const benign = loadBenign(path.join(PROJECT_ROOT, 'eval/guard/benign.jsonl'));
  const nluTest = loadBenign(path.join(PROJECT_ROOT, 'eval/nlu/test.jsonl'));
  const nluDev = loadBenign(path.join(PROJECT_ROOT, 'eval/nlu/dev.jsonl'));

  const judged = attacks.map((a) => {
    const v = guard.inspect(a.text);
    const hit = v.findings.some((f) => f.category === a.category && f.score >= threshold);
    return { ...a, hit, blocked: v.action !== 'allow', verdict: v };
  });
  const { even1, odd1, later, heldOut } = split(judged, BATCHES.attacks);
  const tuned = [...even1, ...odd1, ...later];

  console.log(`Input guard evaluation (threshold ${threshold}); "cat" = the labelled category is among the findings, "blk" = action is not allow.\n`);
  console.log(`Attacks: ${attacks.length}. Tuned on: batch 1 even lines (${even1.length}), batch 1 odd lines (${odd1.length}, held out in round 1 only),`);
  console.log(`batches 2-3 (${later.length}, first contact recorded in the README). Held out, never tuned on: batch 4 (${heldOut.length}).\n`);
  type Judged = (typeof judged)[number];
  const cell = (rows: readonly Judged[]) => {
    const hit = rows.filter((r) => r.hit).length;
    return `${pct(hit, rows.length)} ${`(${hit}/${rows.length})`.padStart(9)} ${pct(rows.filter((r) => r.blocked).length, rows.length)}`.padEnd(25);
  };
  const table = (title: string, keys: readonly string[], key: (r: Judged) => string) => {
    console.log(`${title.padEnd(25)} ${'b1 even (tuned): cat'.padEnd(22)}blk  ${'b1 odd (tuned): cat'.padEnd(22)}blk  ${'b2-3 (tuned): cat'.padEnd(22)}blk  ${'b4 HELD OUT: cat'.padEnd(22)}blk`);
    for (const k of [...keys, 'all']) {
      const of = (rows: readonly Judged[]) => rows.filter((r) => k === 'all' || key(r) === k);
      if (of(judged).length === 0) continue;
      console.log(`${k.padEnd(25)} ${[even1, odd1, later, heldOut].map((g) => cell(of(g))).join('  ')}`);
    }
    console.log('');
  };
  table('category', ATTACK_CATEGORIES, (r) => r.category);
  table('technique', TECHNIQUES, (r) => r.technique);
  table('language', ['zh', 'en'], (r) => r.lang);

  const fp = (rows: readonly Benign[]) => rows.map((b) => ({ ...b, verdict: guard.inspect(b.text) })).filter((r) => r.verdict.action !== 'allow');
  const benignSplit = split(benign, BATCHES.benign);
  const sets: [string, readonly Benign[], string][] = [
    ['eval/guard/benign.jsonl, all', benign, 'mixed'],
    ['eval/guard/benign.jsonl, batches 1-3', [...benignSplit.even1, ...benignSplit.odd1, ...benignSplit.later], 'tuned on'],
    ['eval/guard/benign.jsonl, batch 4', benignSplit.heldOut, 'held out, never tuned on'],
    ['eval/nlu/dev.jsonl', nluDev, 'tuned on'],
    ['eval/nlu/test.jsonl', nluTest, 'never tuned on'],
  ];
  console.log('False positives (action is not allow on a benign message):');
  const fps = sets.map(([name, rows, note]) => {
    const wrong = fp(rows);
    console.log(`  ${name.padEnd(48)} ${pct(wrong.length, rows.length)} ${`(${wrong.length}/${rows.length})`.padStart(9)}  ${note}`);
    return { name, wrong, heldOut: note !== 'tuned on' && note !== 'mixed' };
  });

  // Speed: every message once to warm up, then timed.
  const all = [...attacks.map((a) => a.text), ...benign.map((b) => b.text), ...nluTest.map((b) => b.text), ...nluDev.map((b) => b.text)];
  for (const t of all) guard.inspect(t);
  const times = all.map((t) => {
    const start = process.hrtime.bigint();
    guard.inspect(t);
    return Number(process.hrtime.bigint() - start) / 1e6;
  }).sort((a, b) => a - b);
  const mean = times.reduce((s, x) => s + x, 0) / times.length;
  console.log(`\nTime per message over ${times.length} messages: mean ${mean.toFixed(3)} ms, median ${times[Math.floor(times.length / 2)]!.toFixed(3)} ms, p95 ${times[Math.floor(times.length * 0.95)]!.toFixed(3)} ms, max ${times.at(-1)!.toFixed(3)} ms`);

  const show = (rows: typeof judged) => {
    for (const r of rows.filter((x) => !x.hit)) {
      const got = r.verdict.findings.map((f) => `${f.category} ${f.score}`).join(', ') || 'nothing';
      console.log(`  line ${r.line} [${r.category}/${r.technique}] ${r.blocked ? '(blocked as other)' : '(allowed)'} ${JSON.stringify(r.text).slice(0, 110)} → ${got}`);
    }
  };
  if (values.misses || values['heldout-misses']) {
    console.log('\nMisses, tuned split:');
    show(tuned);
    for (const f of fps.filter((x) => !x.heldOut)) for (const w of f.wrong) console.log(`  FP ${f.name}:${w.line} ${JSON.stringify(w.text)} → ${w.verdict.findings.map((x) => `${x.category} ${x.score} "${x.evidence}"`).join(', ')}`);
  }
  if (values['heldout-misses']) {
    console.log('\nMisses, batch 4 (held out; looking at these spends it):');
    show(heldOut);
    for (const f of fps.filter((x) => x.heldOut)) for (const w of f.wrong) console.log(`  FP ${f.name}:${w.line} ${JSON.stringify(w.text)} → ${w.verdict.findings.map((x) => `${x.category} ${x.score} "${x.evidence}"`).join(', ')}`);
  }
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) main();
