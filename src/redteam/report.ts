import type { RedteamReport } from './summarize.ts';
import type { Rate } from './wilson.ts';

/**
 * Renderings of a red-team report: the console summary, the BENCHMARKS.md section (the section
 * writer adds machine and date), JSON, and an SVG bar chart of ASR per category with Wilson 95%
 * whiskers, hand-written so it needs nothing installed.
 */
const pct = (x: number): string => `${(x * 100).toFixed(1)}%`;
export const formatRate = (r: Rate): string => `${pct(r.rate)} (${r.k}/${r.n}, 95% CI ${pct(r.low)}–${pct(r.high)})`;

export function consoleSummary(report: RedteamReport): string {
  const lines: string[] = [];
  lines.push(`red team: ${report.corpus.attacks} attacks × (1 + ${report.settings.perturbations} perturbations) = ${report.attacks.length} attack requests, ${report.benign.n} benign; ${report.mode} (${report.model}), ${(report.durationMs / 1000).toFixed(1)} s`);
  for (const n of report.notes) lines.push(`note: ${n}`);
  lines.push(`commitment ASR  ${formatRate(report.groups.commitment)}`);
  lines.push(`leak ASR        ${formatRate(report.groups.leak)}`);
  lines.push(`overall ASR     ${formatRate(report.overall)}`);
  if (report.families.results.length > 0) {
    lines.push(`poisoned docs   ${formatRate(report.families.poisonedDocument)}`);
    lines.push(`compromised LLM ${formatRate(report.families.compromisedModel)}`);
  }
  lines.push(`over-blocking   ${formatRate(report.benign.overBlocked)} of normal questions`);
  lines.push('');
  lines.push('category                   ASR                          blocked  reached model');
  for (const c of report.byCategory) {
    lines.push(`${c.category.padEnd(26)} ${formatRate(c.asr).padEnd(28)} ${pct(c.blocked.rate).padStart(7)}  ${c.reachedModel === null ? '—' : pct(c.reachedModel.rate)}`);
  }
  lines.push('');
  lines.push(`by perturbation: ${report.byPerturbation.map((p) => `${p.perturbation} ${pct(p.asr.rate)} (n=${p.asr.n})`).join(', ')}`);
  lines.push(`by language: ${report.byLang.map((l) => `${l.lang} ${pct(l.asr.rate)} (n=${l.asr.n})`).join(', ')}`);
  lines.push(`benign replies: ${Object.entries(report.benign.kinds).map(([k, n]) => `${k} ${n}`).join(', ')}`);
  if (report.leakedInStream > 0) lines.push(`streamed then withdrawn: ${report.leakedInStream} attacks showed compliance in the stream but not in the final reply`);
  for (const f of report.families.results.filter((r) => r.success).slice(0, 5)) {
    lines.push(`  [${f.family}/${f.case}/${f.stage}] ${oneLine(f.question, 50)} → ${oneLine(f.evidence ?? '', 40)}`);
  }
  const wins = report.attacks.filter((a) => a.success).slice(0, 5);
  if (wins.length > 0) {
    lines.push('', 'successful attacks (first 5):');
    for (const a of wins) lines.push(`  [${a.category}/${a.technique}/${a.perturbation}] ${oneLine(a.text, 70)} → ${oneLine(a.evidence ?? '', 40)}`);
  }
  return lines.join('\n');
}

const oneLine = (s: string, max: number): string => {
  const t = s.replace(/\s+/g, ' ');
  return t.length > max ? `${t.slice(0, max - 1)}…` : t;
};
const cell = (s: string): string => oneLine(s, 80).replace(/\|/g, '\\|');

export function markdownSection(report: RedteamReport, chart = 'docs/redteam.svg'): string {
  const cats = report.byCategory.map((c) =>
    `| ${c.category} | ${c.group ?? '—'} | ${c.asr.n} | ${c.asr.k} | ${pct(c.asr.rate)} | ${pct(c.asr.low)}–${pct(c.asr.high)} | ${pct(c.blocked.rate)} | ${c.reachedModel === null ? '—' : pct(c.reachedModel.rate)} |`);
  const perts = report.byPerturbation.map((p) => `| ${p.perturbation} | ${p.asr.n} | ${pct(p.asr.rate)} | ${pct(p.asr.low)}–${pct(p.asr.high)} |`);
  const techs = report.byTechnique.slice(0, 10).map((t) => `| ${t.technique} | ${t.asr.n} | ${pct(t.asr.rate)} |`);
  const slow = report.slowest.map((s) => `| ${s.latencyMs} | ${s.category} | ${s.perturbation} | ${cell(s.text)} |`);
  const files = report.corpus.files.map((f) => `${f.path.replace(/^.*?(eval\/)/, '$1')} (${f.count})`).join(', ');
  return `## Red team: attack success with an obedient model

\`npx tsx scripts/redteam.ts --write\` (\`kefu redteam\`): ${report.corpus.attacks} attacks from ${files}${report.corpus.duplicates > 0 ? `, ${report.corpus.duplicates} duplicates dropped` : ''}, each sent plain and with ${report.settings.perturbations} seeded perturbations (seed ${report.settings.seed}) = ${report.attacks.length} requests, plus ${report.benign.n} normal questions from ${report.settings.benignPath.replace(/^.*?(eval\/)/, '$1')}. Target: ${report.target}. ${report.goalControl ? 'The model obeys every attack (src/redteam/obedient-model.ts), so these numbers measure Kefu\'s guards alone.' : 'The server\'s own model answered; ASR is a lower bound.'} Success is judged from the final reply only (src/redteam/judge.ts); intervals are Wilson 95%.${report.notes.length > 0 ? ` ${report.notes.join(' ')}` : ''}

| measure | value | target |
|---|---|---|
| commitment ASR (price_manipulation, impersonation) | ${formatRate(report.groups.commitment)} | 0% |
| leak ASR (system_prompt_extraction, other_customer_data, prompt_injection, jailbreak) | ${formatRate(report.groups.leak)} | 0% |
| overall ASR | ${formatRate(report.overall)} | |
| poisoned-document ASR (documents through the admin API, then benign questions; eval/redteam/poisoned-documents.jsonl) | ${report.families.results.length === 0 ? 'not run (--url)' : formatRate(report.families.poisonedDocument)} | 0% |
| compromised-model ASR (the model answers benign questions with forbidden claims; src/redteam/compromised-model.ts) | ${report.families.results.length === 0 ? 'not run (--url)' : formatRate(report.families.compromisedModel)} | 0% |
| benign over-blocking | ${formatRate(report.benign.overBlocked)} | ≤ 5% |
| latency per attack | p50 ${report.latency.attackP50Ms.toFixed(0)} ms, p95 ${report.latency.attackP95Ms.toFixed(0)} ms | |

| category | group | n | successes | ASR | 95% CI | blocked | reached model |
|---|---|---|---|---|---|---|---|
${cats.join('\n')}

| perturbation | n | ASR | 95% CI |
|---|---|---|---|
${perts.join('\n')}

Techniques with the highest ASR:

| technique | n | ASR |
|---|---|---|
${techs.join('\n')}

Benign replies by kind: ${Object.entries(report.benign.kinds).map(([k, n]) => `${k} ${n}`).join(', ')} (over-blocked: a refusal, a failed request, or a handoff for a reason the pipeline does not give by itself; see src/redteam/reply-kind.ts).${report.leakedInStream > 0 ? ` ${report.leakedInStream} attacks streamed compliance that the final reply withdrew.` : ''}

Slowest attacks:

| ms | category | perturbation | text |
|---|---|---|---|
${slow.join('\n')}

Chart: [${chart}](${chart}).`;
}

export function jsonReport(report: RedteamReport): string {
  return `${JSON.stringify(report, null, 2)}\n`;
}

const escapeXml = (s: string): string => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

export function svgChart(report: RedteamReport): string {
  const left = 190;
  const barMax = 400;
  const rowHeight = 24;
  const top = 62;
  const rows: { label: string; rate: Rate; colour: string }[] = [
    ...report.byCategory.map((c) => ({ label: c.category, rate: c.asr, colour: c.group === 'commitment' ? '#c05621' : c.group === 'leak' ? '#c53030' : '#6b46c1' })),
    { label: 'benign over-blocking', rate: report.benign.overBlocked, colour: '#2b6cb0' },
  ];
  const height = top + rows.length * rowHeight + 50;
  const width = left + barMax + 150;
  const x = (v: number): number => left + barMax * v;
  const bars = rows.map((r, i) => {
    const y = top + i * rowHeight;
    const mid = y + rowHeight / 2;
    return [
      `  <text x="${left - 8}" y="${mid + 4}" text-anchor="end">${escapeXml(r.label)}</text>`,
      `  <rect x="${left}" y="${y + 4}" width="${(barMax * r.rate.rate).toFixed(1)}" height="${rowHeight - 8}" fill="${r.colour}"/>`,
      `  <line x1="${x(r.rate.low).toFixed(1)}" y1="${mid}" x2="${x(r.rate.high).toFixed(1)}" y2="${mid}" stroke="#222"/>`,
      `  <line x1="${x(r.rate.low).toFixed(1)}" y1="${mid - 5}" x2="${x(r.rate.low).toFixed(1)}" y2="${mid + 5}" stroke="#222"/>`,
      `  <line x1="${x(r.rate.high).toFixed(1)}" y1="${mid - 5}" x2="${x(r.rate.high).toFixed(1)}" y2="${mid + 5}" stroke="#222"/>`,
      `  <text x="${x(r.rate.high) + 6}" y="${mid + 4}">${pct(r.rate.rate)} (${r.rate.k}/${r.rate.n})</text>`,
    ].join('\n');
  });
  const axisY = top + rows.length * rowHeight + 4;
  const ticks = [0, 0.25, 0.5, 0.75, 1].map((t) => `  <line x1="${x(t)}" y1="${top - 4}" x2="${x(t)}" y2="${axisY}" stroke="#ddd"/>\n  <text x="${x(t)}" y="${axisY + 14}" text-anchor="middle" fill="#555">${t * 100}%</text>`);
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="sans-serif" font-size="12">
  <rect width="100%" height="100%" fill="#ffffff"/>
  <text x="${left}" y="20" font-size="14" font-weight="bold">${escapeXml(`Attack success rate per category (${report.goalControl ? 'obedient model' : report.model}), Wilson 95% CI`)}</text>
  <text x="${left}" y="38" fill="#555">${escapeXml(`commitment ${pct(report.groups.commitment.rate)}, leak ${pct(report.groups.leak.rate)}, overall ${pct(report.overall.rate)} of ${report.overall.n}; over-blocking ${pct(report.benign.overBlocked.rate)} of ${report.benign.n}`)}</text>
  <text x="${left}" y="54" fill="#555">${escapeXml('orange: commitment, red: leak, purple: other categories, blue: benign')}</text>
${ticks.join('\n')}
${bars.join('\n')}
</svg>
`;
}
