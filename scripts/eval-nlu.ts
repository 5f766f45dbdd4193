import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { writeBenchSection } from '../bench/write-section.ts';
import { PROJECT_ROOT } from '../src/config/load-config.ts';
import type { Nlu } from '../src/contracts/nlu.ts';
import type { EmotionLabel, Intent } from '../src/contracts/reply-part.ts';
import { createEmbeddedNlu } from '../src/dialogue/embedded-nlu.ts';
import { INTENTS } from '../src/dialogue/intent-classifier.ts';
import { OUTSIDE_SET, type OutsideReport, evaluateOutside, formatOutside, loadOutsideSet } from './outside-set.ts';

/**
 * `npm run eval:nlu [-- --set test|dev|outside|<file.jsonl>] [--outside-file F] [--write] [--json]`:
 * runs a labelled set (eval/nlu/, format in its README) through any `Nlu` and reports intent and
 * emotion accuracy, per-language accuracy, per-intent precision/recall, the confusion table and
 * every miss. With no `--set`, the in-house test set and the outside set (../shared/eval/, see
 * outside-set.ts: totals only, never its lines) are reported side by side.
 * `--write` also records the result in BENCHMARKS.md and draws docs/nlu-eval.svg.
 */

export interface LabelledUtterance {
  text: string;
  intent: Intent;
  emotion: EmotionLabel;
  lang: 'zh' | 'en';
  note?: string;
  /** 1-based line in the file. */
  line: number;
}

export class EvalSetError extends Error {
  constructor(readonly file: string, readonly line: number, message: string) {
    super(`${file}:${line}: ${message}`);
    this.name = 'EvalSetError';
  }
}

const EMOTIONS: readonly EmotionLabel[] = ['neutral', 'anxious', 'dissatisfied', 'angry', 'satisfied'];

/** Parses a JSONL set; a bad line throws `EvalSetError` naming the file and line. */
export function parseLabelledSet(content: string, file: string): LabelledUtterance[] {
  const rows: LabelledUtterance[] = [];
  content.split('\n').forEach((raw, i) => {
    const line = i + 1;
    if (raw.trim() === '') return;
    let value: unknown;
    try {
      value = JSON.parse(raw);
    } catch (e) {
      throw new EvalSetError(file, line, `not valid JSON (${(e as Error).message})`);
    }
    if (typeof value !== 'object' || value === null || Array.isArray(value)) throw new EvalSetError(file, line, 'expected a JSON object');
    const o = value as Record<string, unknown>;
    if (typeof o.text !== 'string' || o.text.trim() === '') throw new EvalSetError(file, line, '"text" must be a non-empty string');
    if (!INTENTS.includes(o.intent as Intent)) throw new EvalSetError(file, line, `"intent" must be one of ${INTENTS.join(', ')}; got ${JSON.stringify(o.intent)}`);
    if (!EMOTIONS.includes(o.emotion as EmotionLabel)) throw new EvalSetError(file, line, `"emotion" must be one of ${EMOTIONS.join(', ')}; got ${JSON.stringify(o.emotion)}`);
    if (o.lang !== 'zh' && o.lang !== 'en') throw new EvalSetError(file, line, `"lang" must be "zh" or "en"; got ${JSON.stringify(o.lang)}`);
    if (o.note !== undefined && typeof o.note !== 'string') throw new EvalSetError(file, line, '"note", when present, must be a string');
    const row: LabelledUtterance = { text: o.text, intent: o.intent as Intent, emotion: o.emotion as EmotionLabel, lang: o.lang, line };
    if (typeof o.note === 'string') row.note = o.note;
    rows.push(row);
  });
  if (rows.length === 0) throw new EvalSetError(file, 1, 'the file has no labelled lines');
  return rows;
}

export function loadLabelledSet(file: string): LabelledUtterance[] {
  return parseLabelledSet(readFileSync(file, 'utf8'), path.relative(process.cwd(), file) || file);
}

export interface IntentStats {
  intent: Intent;
  support: number;
  predicted: number;
  precision: number;
  recall: number;
  f1: number;
}

export interface Miss {
  line: number;
  text: string;
  gold: string;
  predicted: string;
  confidence?: number;
}

export interface EvalReport {
  n: number;
  intentAccuracy: number;
  emotionAccuracy: number;
  macroF1: number;
  byLang: Record<'zh' | 'en', { n: number; intentAccuracy: number; emotionAccuracy: number }>;
  perIntent: IntentStats[];
  /** confusion[gold][predicted] = count. */
  confusion: Record<Intent, Record<Intent, number>>;
  topConfusions: { gold: Intent; predicted: Intent; count: number }[];
  intentMisses: Miss[];
  emotionMisses: Miss[];
  /** Share of predictions with confidence ≥ 0.5, and their accuracy; the rest, likewise. */
  confident: { share: number; accuracy: number; restAccuracy: number };
  /** Per message, through `understand`, on a second pass (the first warms up). */
  timing: { meanMs: number; p50Ms: number; p99Ms: number };
}

const ratio = (a: number, b: number): number => (b === 0 ? 0 : a / b);

/** Runs every utterance through `nlu` (no history: each line stands alone) and scores it. */
export async function evaluateNlu(nlu: Nlu, rows: LabelledUtterance[]): Promise<EvalReport> {
  // One untimed pass first (first-call training, JIT), so the timing is of steady state.
  for (const row of rows) await nlu.understand({ text: row.text });
  const confusion = Object.fromEntries(INTENTS.map((g) => [g, Object.fromEntries(INTENTS.map((p) => [p, 0]))])) as EvalReport['confusion'];
  const intentMisses: Miss[] = [];
  const emotionMisses: Miss[] = [];
  const times: number[] = [];
  const lang = { zh: { n: 0, intent: 0, emotion: 0 }, en: { n: 0, intent: 0, emotion: 0 } };
  let intentOk = 0;
  let emotionOk = 0;
  const conf = { n: 0, ok: 0, restN: 0, restOk: 0 };
  for (const row of rows) {
    const t0 = performance.now();
    const result = await nlu.understand({ text: row.text });
    times.push(performance.now() - t0);
    confusion[row.intent][result.intent]++;
    const hit = result.intent === row.intent;
    const emotionHit = result.emotion.label === row.emotion;
    const l = lang[row.lang];
    l.n++;
    if (hit) { intentOk++; l.intent++; } else {
      intentMisses.push({ line: row.line, text: row.text, gold: row.intent, predicted: result.intent, confidence: result.confidence });
    }
    if (emotionHit) { emotionOk++; l.emotion++; } else {
      emotionMisses.push({ line: row.line, text: row.text, gold: row.emotion, predicted: result.emotion.label });
    }
    if (result.confidence >= 0.5) { conf.n++; if (hit) conf.ok++; } else { conf.restN++; if (hit) conf.restOk++; }
  }
  const perIntent = INTENTS.map((intent): IntentStats => {
    const support = INTENTS.reduce((s, p) => s + confusion[intent][p], 0);
    const predicted = INTENTS.reduce((s, g) => s + confusion[g][intent], 0);
    const tp = confusion[intent][intent];
    const precision = ratio(tp, predicted);
    const recall = ratio(tp, support);
    return { intent, support, predicted, precision, recall, f1: ratio(2 * precision * recall, precision + recall) };
  });
  const present = perIntent.filter((s) => s.support > 0);
  const topConfusions = INTENTS.flatMap((gold) => INTENTS.filter((p) => p !== gold && confusion[gold][p] > 0).map((predicted) => ({ gold, predicted, count: confusion[gold][predicted] })))
    .sort((a, b) => b.count - a.count)
    .slice(0, 8);
  const sorted = [...times].sort((a, b) => a - b);
  return {
    n: rows.length,
    intentAccuracy: ratio(intentOk, rows.length),
    emotionAccuracy: ratio(emotionOk, rows.length),
    macroF1: ratio(present.reduce((s, x) => s + x.f1, 0), present.length),
    byLang: {
      zh: { n: lang.zh.n, intentAccuracy: ratio(lang.zh.intent, lang.zh.n), emotionAccuracy: ratio(lang.zh.emotion, lang.zh.n) },
      en: { n: lang.en.n, intentAccuracy: ratio(lang.en.intent, lang.en.n), emotionAccuracy: ratio(lang.en.emotion, lang.en.n) },
    },
    perIntent,
    confusion,
    topConfusions,
    intentMisses,
    emotionMisses,
    confident: { share: ratio(conf.n, rows.length), accuracy: ratio(conf.ok, conf.n), restAccuracy: ratio(conf.restOk, conf.restN) },
    timing: {
      meanMs: ratio(times.reduce((a, b) => a + b, 0), times.length),
      p50Ms: sorted[Math.floor(sorted.length / 2)] ?? 0,
      p99Ms: sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * 0.99))] ?? 0,
    },
  };
}

/** Three-letter names for the confusion table columns. */
export const ABBREVIATIONS: Record<Intent, string> = {
  order_status: 'ord', logistics: 'log', return: 'ret', refund: 'ref', exchange: 'exc',
  address_change: 'adr', cancel_order: 'can', invoice: 'inv', price_coupon: 'prc',
  product_question: 'prd', payment_problem: 'pay', complaint: 'cmp', human_agent: 'hum',
  greeting: 'hi', goodbye: 'bye', chitchat: 'cht', other: 'oth',
};

const pct = (x: number): string => `${(x * 100).toFixed(1)}%`;

/** The console report. */
export function formatReport(report: EvalReport, setName: string): string {
  const lines: string[] = [];
  lines.push(`NLU evaluation: ${setName}, ${report.n} utterances`);
  lines.push(`intent accuracy   ${pct(report.intentAccuracy)}   (zh ${pct(report.byLang.zh.intentAccuracy)} of ${report.byLang.zh.n}, en ${pct(report.byLang.en.intentAccuracy)} of ${report.byLang.en.n})`);
  lines.push(`emotion accuracy  ${pct(report.emotionAccuracy)}   (zh ${pct(report.byLang.zh.emotionAccuracy)}, en ${pct(report.byLang.en.emotionAccuracy)})`);
  lines.push(`intent macro-F1   ${report.macroF1.toFixed(3)}`);
  lines.push(`confidence ≥ 0.5  ${pct(report.confident.share)} of messages, ${pct(report.confident.accuracy)} correct; below: ${pct(report.confident.restAccuracy)} correct`);
  lines.push(`time per message  median ${report.timing.p50Ms.toFixed(3)} ms, mean ${report.timing.meanMs.toFixed(3)} ms, p99 ${report.timing.p99Ms.toFixed(3)} ms`);
  lines.push('', 'confusion (rows gold, columns predicted; . = 0):');
  lines.push(`     ${INTENTS.map((i) => ABBREVIATIONS[i].padStart(4)).join('')}`);
  for (const gold of INTENTS) {
    lines.push(`${ABBREVIATIONS[gold].padEnd(5)}${INTENTS.map((p) => String(report.confusion[gold][p] || '.').padStart(4)).join('')}`);
  }
  lines.push('', 'intent               n   prec  recall    F1');
  for (const s of report.perIntent) {
    lines.push(`${s.intent.padEnd(18)}${String(s.support).padStart(4)}  ${s.precision.toFixed(2).padStart(5)}  ${s.recall.toFixed(2).padStart(5)}  ${s.f1.toFixed(2).padStart(5)}`);
  }
  lines.push('', `intent misses (${report.intentMisses.length}):`);
  for (const m of report.intentMisses) lines.push(`  line ${m.line}: ${m.gold} → ${m.predicted} (${m.confidence?.toFixed(2)})  ${m.text}`);
  lines.push('', `emotion misses (${report.emotionMisses.length}):`);
  for (const m of report.emotionMisses) lines.push(`  line ${m.line}: ${m.gold} → ${m.predicted}  ${m.text}`);
  return lines.join('\n');
}

/** The BENCHMARKS.md section (the helper adds machine and date). */
export function markdownSection(report: EvalReport, setName: string, chart = 'docs/nlu-eval.svg', outside?: OutsideReport): string {
  const outsideText = outside === undefined ? '' : `

**Outside set** (\`../shared/eval/intents-outside-dev.tsv\`: ${outside.n} turns from public corpora nobody on the project wrote; measured only, never trained or tuned on): intent accuracy **${pct(outside.accuracy)}**; by language ${Object.entries(outside.byLang).map(([k, t]) => `${k} ${pct(t.accuracy)} (${t.n})`).join(', ')}; by source ${Object.entries(outside.bySource).map(([k, t]) => `${k} ${pct(t.accuracy)} (${t.n})`).join(', ')}; confidence ≥ 0.5 on ${pct(outside.confident.share)} of turns, ${pct(outside.confident.accuracy)} of them correct (below: ${pct(outside.confident.restAccuracy)}).

| intent (outside) | n | recall |
|---|---|---|
${outside.perIntent.map((s) => `| ${s.intent} | ${s.n} | ${s.recall.toFixed(2)} |`).join('\n')}`;
  const rows = report.perIntent.map((s) => `| ${s.intent} | ${s.support} | ${s.precision.toFixed(2)} | ${s.recall.toFixed(2)} | ${s.f1.toFixed(2)} |`);
  const confusions = report.topConfusions.length === 0
    ? 'none'
    : report.topConfusions.map((c) => `${c.gold} → ${c.predicted} (${c.count})`).join(', ');
  return `## NLU: embedded intent and emotion classifier${setName === 'test' ? '' : ` (${setName} set)`}

\`npm run eval:nlu${outside === undefined ? ` -- --set ${setName}` : ''}\`: ${report.n} labelled customer messages (eval/nlu/README.md), Chinese ${report.byLang.zh.n}, English ${report.byLang.en.n}, each classified on its own (no history). The sets and the lexicon share one author: see the README for what that means for these numbers and for the score on phrasing the lexicon was not tuned on.

| measure | value |
|---|---|
| intent accuracy | ${pct(report.intentAccuracy)} (zh ${pct(report.byLang.zh.intentAccuracy)}, en ${pct(report.byLang.en.intentAccuracy)}) |
| intent macro-F1 | ${report.macroF1.toFixed(3)} |
| emotion label accuracy | ${pct(report.emotionAccuracy)} (zh ${pct(report.byLang.zh.emotionAccuracy)}, en ${pct(report.byLang.en.emotionAccuracy)}) |
| confidence ≥ 0.5 | ${pct(report.confident.share)} of messages, ${pct(report.confident.accuracy)} of them correct |
| time per message (shared machine; p99 includes GC pauses) | median ${report.timing.p50Ms.toFixed(3)} ms, mean ${report.timing.meanMs.toFixed(3)} ms, p99 ${report.timing.p99Ms.toFixed(3)} ms |

| intent | n | precision | recall | F1 |
|---|---|---|---|---|
${rows.join('\n')}

Top confusions (gold → predicted): ${confusions}. Chart: [${chart}](${chart}).${outsideText}`;
}

const escapeXml = (s: string): string => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

/** A horizontal bar chart of per-intent accuracy (recall), hand-written SVG. */
export function svgChart(report: EvalReport, setName: string, outside?: OutsideReport): string {
  const left = 150;
  const barMax = 400;
  const rowHeight = outside === undefined ? 22 : 34;
  const top = outside === undefined ? 50 : 66;
  const rows = report.perIntent.filter((s) => s.support > 0);
  const height = top + rows.length * rowHeight + 40;
  const width = left + barMax + 130;
  const x95 = left + barMax * 0.95;
  const outsideRecall = new Map(outside?.perIntent.map((s) => [s.intent, s]) ?? []);
  const barHeight = outside === undefined ? rowHeight - 6 : 13;
  const bars = rows.map((s, i) => {
    const y = top + i * rowHeight;
    const w = Math.round(barMax * s.recall);
    const colour = s.recall >= 0.95 ? '#2f855a' : s.recall >= 0.85 ? '#d69e2e' : '#c53030';
    const out = [
      `  <text x="${left - 8}" y="${y + 15}" text-anchor="end">${escapeXml(s.intent)}</text>`,
      `  <rect x="${left}" y="${y + 3}" width="${w}" height="${barHeight}" fill="${colour}"/>`,
      `  <text x="${left + w + 6}" y="${y + 14}">${(s.recall * 100).toFixed(0)}% (n=${s.support})</text>`,
    ];
    const o = outsideRecall.get(s.intent);
    if (o !== undefined) {
      const ow = Math.round(barMax * o.recall);
      out.push(
        `  <rect x="${left}" y="${y + 17}" width="${ow}" height="${barHeight}" fill="#3b6ea5"/>`,
        `  <text x="${left + ow + 6}" y="${y + 28}" fill="#3b6ea5">${(o.recall * 100).toFixed(0)}% outside (n=${o.n})</text>`,
      );
    }
    return out.join('\n');
  });
  const outsideLine = outside === undefined
    ? ''
    : `\n  <text x="${left}" y="54" fill="#3b6ea5">${escapeXml(`blue: outside set (n=${outside.n}) ${pct(outside.accuracy)}; ${Object.entries(outside.byLang).map(([k, t]) => `${k} ${pct(t.accuracy)}`).join(', ')}`)}</text>`;
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="sans-serif" font-size="12">
  <rect width="100%" height="100%" fill="#ffffff"/>
  <text x="${left}" y="20" font-size="14" font-weight="bold">${escapeXml(`Per-intent accuracy, ${setName} set (n=${report.n})`)}</text>
  <text x="${left}" y="38" fill="#555">${escapeXml(`intent ${pct(report.intentAccuracy)}, macro-F1 ${report.macroF1.toFixed(3)}, emotion ${pct(report.emotionAccuracy)}`)}</text>${outsideLine}
${bars.join('\n')}
  <line x1="${x95}" y1="${top - 4}" x2="${x95}" y2="${top + rows.length * rowHeight + 4}" stroke="#333" stroke-dasharray="4 3"/>
  <text x="${x95}" y="${top + rows.length * rowHeight + 18}" text-anchor="middle" fill="#333">95%</text>
</svg>
`;
}

function resolveSet(set: string): { file: string; name: string } {
  if (set === 'test' || set === 'dev') return { file: path.join(PROJECT_ROOT, 'eval', 'nlu', `${set}.jsonl`), name: set };
  return { file: path.resolve(set), name: path.basename(set, '.jsonl') };
}

/** Test and outside side by side: the in-house number next to the one on text nobody here wrote. */
export function formatSideBySide(report: EvalReport, outside: OutsideReport | undefined, setName: string): string {
  const row = (label: string, a: string, b: string): string => `${label.padEnd(18)}${a.padStart(10)}${b.padStart(12)}`;
  const o = (f: (r: OutsideReport) => string): string => (outside === undefined ? 'n/a' : f(outside));
  return [
    row('', setName, 'outside'),
    row('turns', String(report.n), o((r) => String(r.n))),
    row('intent accuracy', pct(report.intentAccuracy), o((r) => pct(r.accuracy))),
    row('  zh', pct(report.byLang.zh.intentAccuracy), o((r) => (r.byLang.zh === undefined ? 'n/a' : pct(r.byLang.zh.accuracy)))),
    row('  en', pct(report.byLang.en.intentAccuracy), o((r) => (r.byLang.en === undefined ? 'n/a' : pct(r.byLang.en.accuracy)))),
    row('median ms/turn', report.timing.p50Ms.toFixed(3), o((r) => r.timing.p50Ms.toFixed(3))),
  ].join('\n');
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      set: { type: 'string' },
      'outside-file': { type: 'string' },
      write: { type: 'boolean', default: false },
      json: { type: 'boolean', default: false },
    },
  });
  const outsideFile = values['outside-file'] ?? OUTSIDE_SET;
  const nlu = createEmbeddedNlu();
  if (values.set === 'outside') {
    // Asked for by name: a missing file is an error (loadOutsideSet says where it looked).
    const report = await evaluateOutside(nlu, loadOutsideSet(outsideFile));
    process.stdout.write(`${values.json ? JSON.stringify({ set: 'outside', ...report }, null, 2) : formatOutside(report)}\n`);
    return;
  }
  const { file, name } = resolveSet(values.set ?? 'test');
  if (!existsSync(file)) throw new Error(`no labelled set at ${file} (use --set test, --set dev, --set outside or a path to a .jsonl file)`);
  const rows = loadLabelledSet(file);
  const report = await evaluateNlu(nlu, rows);
  // The default run (no --set) puts the outside set next to the in-house test set.
  let outside: OutsideReport | undefined;
  let outsideNote = '';
  if (values.set === undefined) {
    if (existsSync(outsideFile)) outside = await evaluateOutside(nlu, loadOutsideSet(outsideFile));
    else outsideNote = `outside set not found at ${outsideFile}: only the in-house set was run (--set outside makes this an error)`;
  }
  if (values.json) {
    process.stdout.write(`${JSON.stringify({ set: name, ...report, ...(outside === undefined ? {} : { outside }) }, null, 2)}\n`);
  } else {
    const parts = [formatReport(report, name)];
    if (outside !== undefined) parts.push(formatOutside(outside), formatSideBySide(report, outside, name));
    process.stdout.write(`${parts.join('\n\n')}\n`);
  }
  if (outsideNote !== '') process.stderr.write(`eval:nlu: ${outsideNote}\n`);
  if (values.write) {
    const suffix = name === 'test' ? '' : `-${name}`;
    const svg = path.join(PROJECT_ROOT, 'docs', `nlu-eval${suffix}.svg`);
    writeBenchSection(`nlu${suffix}`, markdownSection(report, name, path.relative(PROJECT_ROOT, svg), outside));
    mkdirSync(path.dirname(svg), { recursive: true });
    writeFileSync(svg, svgChart(report, name, outside));
    process.stderr.write(`wrote BENCHMARKS.md (section nlu${suffix}) and ${path.relative(PROJECT_ROOT, svg)}\n`);
  }
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(path.resolve(process.argv[1])).href) {
  main().catch((e: unknown) => {
    process.stderr.write(`eval:nlu: ${e instanceof Error ? e.message : String(e)}\n`);
    process.exitCode = 1;
  });
}
