import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { PROJECT_ROOT } from '../src/config/load-config.ts';
import type { Nlu } from '../src/contracts/nlu.ts';
import type { Intent } from '../src/contracts/reply-part.ts';
import { INTENTS } from '../src/dialogue/intent-classifier.ts';

/**
 * The outside evaluation set: customer turns from public corpora that nobody on the project
 * wrote (`../shared/eval/README.md`). It is read at run time and only measured on: this module
 * reports totals and per-intent recall, never the individual misses, so nobody tunes on them.
 */
export const OUTSIDE_SET = path.resolve(PROJECT_ROOT, '..', 'shared', 'eval', 'intents-outside-dev.tsv');

export interface OutsideUtterance {
  text: string;
  /** Every intent that counts as right (`a|b` in the file). */
  gold: Intent[];
  lang: 'zh' | 'en';
  source: string;
  line: number;
}

export class OutsideSetError extends Error {
  constructor(readonly file: string, message: string) {
    super(`${file}: ${message}`);
    this.name = 'OutsideSetError';
  }
}

/** Parses the TSV (header `utterance expected_intent lang source`); a bad row throws naming its line. */
export function parseOutsideSet(content: string, file: string): OutsideUtterance[] {
  const lines = content.split('\n');
  const header = (lines[0] ?? '').replace(/\r$/, '').split('\t');
  const col = (name: string): number => {
    const i = header.indexOf(name);
    if (i < 0) throw new OutsideSetError(file, `header has no "${name}" column (got ${header.join(', ')})`);
    return i;
  };
  const [cText, cGold, cLang, cSource] = [col('utterance'), col('expected_intent'), col('lang'), col('source')];
  const rows: OutsideUtterance[] = [];
  lines.slice(1).forEach((raw, i) => {
    const line = i + 2;
    const cells = raw.replace(/\r$/, '').split('\t');
    if (raw.trim() === '') return;
    const text = cells[cText]?.trim() ?? '';
    if (text === '') throw new OutsideSetError(file, `line ${line}: empty utterance`);
    const gold = (cells[cGold] ?? '').split('|').map((g) => g.trim()) as Intent[];
    const unknown = gold.filter((g) => !INTENTS.includes(g));
    if (unknown.length > 0) throw new OutsideSetError(file, `line ${line}: unknown intent ${unknown.join(', ')}`);
    const lang = cells[cLang]?.trim();
    if (lang !== 'zh' && lang !== 'en') throw new OutsideSetError(file, `line ${line}: lang must be zh or en`);
    rows.push({ text, gold, lang, source: cells[cSource]?.trim() || 'unknown', line });
  });
  if (rows.length === 0) throw new OutsideSetError(file, 'no rows');
  return rows;
}

/** Reads the set; a missing file is an error that says where it was looked for. */
export function loadOutsideSet(file = OUTSIDE_SET): OutsideUtterance[] {
  if (!existsSync(file)) {
    throw new OutsideSetError(file, 'outside evaluation set not found (it lives in ../shared/eval/ next to the repository; see that README)');
  }
  return parseOutsideSet(readFileSync(file, 'utf8'), path.relative(process.cwd(), file) || file);
}

export interface Tally {
  n: number;
  correct: number;
  accuracy: number;
}

export interface OutsideReport {
  n: number;
  accuracy: number;
  byLang: Record<string, Tally>;
  /** By corpus (the part of `source` before `:`). */
  bySource: Record<string, Tally>;
  /** Recall per first-listed gold intent, and what its misses were taken for (counts only). */
  perIntent: { intent: Intent; n: number; recall: number; missedAs: Partial<Record<Intent, number>> }[];
  /** Share of answers with confidence ≥ 0.5 and their accuracy; the rest's accuracy. */
  confident: { share: number; accuracy: number; restAccuracy: number };
  /** Answers of `other` because nothing fitted (sub-intent `other.unknown`), right or wrong. */
  noEvidence: number;
  timing: { meanMs: number; p50Ms: number };
}

const tally = (correct: number, n: number): Tally => ({ n, correct, accuracy: n === 0 ? 0 : correct / n });

/** Scores every row (no history); a prediction is right when it is any of the row's gold intents. */
export async function evaluateOutside(nlu: Nlu, rows: OutsideUtterance[]): Promise<OutsideReport> {
  for (const row of rows) await nlu.understand({ text: row.text });
  const lang = new Map<string, [number, number]>();
  const source = new Map<string, [number, number]>();
  const intents = new Map<Intent, { n: number; ok: number; missedAs: Partial<Record<Intent, number>> }>();
  const bump = (m: Map<string, [number, number]>, k: string, ok: boolean): void => {
    const v = m.get(k) ?? [0, 0];
    m.set(k, [v[0] + (ok ? 1 : 0), v[1] + 1]);
  };
  const times: number[] = [];
  const conf = { n: 0, ok: 0, restN: 0, restOk: 0 };
  let correct = 0;
  let noEvidence = 0;
  for (const row of rows) {
    const t0 = performance.now();
    const result = await nlu.understand({ text: row.text });
    times.push(performance.now() - t0);
    const ok = row.gold.includes(result.intent);
    if (ok) correct++;
    if (result.subIntent === 'other.unknown') noEvidence++;
    bump(lang, row.lang, ok);
    bump(source, row.source.split(':')[0] ?? row.source, ok);
    const primary = row.gold[0] ?? 'other';
    const s = intents.get(primary) ?? { n: 0, ok: 0, missedAs: {} };
    s.n++;
    if (ok) s.ok++;
    else s.missedAs[result.intent] = (s.missedAs[result.intent] ?? 0) + 1;
    intents.set(primary, s);
    if (result.confidence >= 0.5) { conf.n++; if (ok) conf.ok++; } else { conf.restN++; if (ok) conf.restOk++; }
  }
  const toRecord = (m: Map<string, [number, number]>): Record<string, Tally> =>
    Object.fromEntries([...m].sort().map(([k, [ok, n]]) => [k, tally(ok, n)]));
  const sorted = [...times].sort((a, b) => a - b);
  return {
    n: rows.length,
    accuracy: tally(correct, rows.length).accuracy,
    byLang: toRecord(lang),
    bySource: toRecord(source),
    perIntent: INTENTS.filter((i) => intents.has(i)).map((intent) => {
      const s = intents.get(intent) ?? { n: 0, ok: 0, missedAs: {} };
      return { intent, n: s.n, recall: s.ok / s.n, missedAs: s.missedAs };
    }),
    confident: {
      share: conf.n / rows.length,
      accuracy: conf.n === 0 ? 0 : conf.ok / conf.n,
      restAccuracy: conf.restN === 0 ? 0 : conf.restOk / conf.restN,
    },
    noEvidence,
    timing: { meanMs: times.reduce((a, b) => a + b, 0) / times.length, p50Ms: sorted[Math.floor(sorted.length / 2)] ?? 0 },
  };
}

const pct = (x: number): string => `${(x * 100).toFixed(1)}%`;

/** The console section: totals, per language, per source, per-intent recall; no individual lines. */
export function formatOutside(report: OutsideReport): string {
  const lines = [`outside set (../shared/eval, ${report.n} turns; measured only, misses not listed)`];
  lines.push(`intent accuracy   ${pct(report.accuracy)}`);
  lines.push(`by language       ${Object.entries(report.byLang).map(([k, t]) => `${k} ${pct(t.accuracy)} of ${t.n}`).join(', ')}`);
  lines.push(`by source         ${Object.entries(report.bySource).map(([k, t]) => `${k} ${pct(t.accuracy)} of ${t.n}`).join(', ')}`);
  lines.push(`confidence ≥ 0.5  ${pct(report.confident.share)} of messages, ${pct(report.confident.accuracy)} correct; below: ${pct(report.confident.restAccuracy)} correct`);
  lines.push(`nothing fitted    ${report.noEvidence} answered other for want of evidence`);
  lines.push('', 'intent               n  recall  misses taken for');
  for (const s of report.perIntent) {
    const missed = Object.entries(s.missedAs).sort((a, b) => b[1] - a[1]).map(([k, v]) => `${k} ${v}`).join(', ');
    lines.push(`${s.intent.padEnd(18)}${String(s.n).padStart(4)}  ${s.recall.toFixed(2).padStart(6)}  ${missed}`);
  }
  return lines.join('\n');
}
