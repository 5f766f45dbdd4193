import type { SimReport } from './run-simulation.ts';

/** Goals that had conversations (all of them unless --goals picked some). */
const played = (r: SimReport) => r.byGoal.filter((g) => g.n > 0);
const pct = (x: number): string => `${(x * 100).toFixed(1)}%`;
const escapeXml = (s: string): string => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

/** The headline and the per-goal table, for the terminal. */
export function consoleSummary(r: SimReport): string {
  const lines = [
    `${r.conversations} simulated conversations against the ${r.world}, seed ${r.seed}, in ${(r.elapsedMs / 1000).toFixed(1)} s`,
    `resolution ${pct(r.resolutionRate)}  transfer ${pct(r.transferRate)} (any handoff ${pct(r.anyHandoffRate)})  mean turns ${r.meanTurns.toFixed(2)}  wrong writes ${r.wrongWrites}${r.wrongWrites > 0 ? ` ${JSON.stringify(r.wrongWritesByKind)}` : ''}`,
    '',
    `${'goal'.padEnd(18)}${'n'.padStart(5)}${'resolved'.padStart(10)}${'transfer'.padStart(10)}${'turns'.padStart(7)}${'wrong'.padStart(7)}  top failures`,
    ...played(r).map((g) => `${g.goal.padEnd(18)}${String(g.n).padStart(5)}${pct(g.n === 0 ? 0 : g.resolved / g.n).padStart(10)}${pct(g.n === 0 ? 0 : g.transferred / g.n).padStart(10)}${g.meanTurns.toFixed(2).padStart(7)}${String(g.wrongWrites).padStart(7)}  ${g.failures.slice(0, 3).map((f) => `${f.failure} ${f.n}`).join(', ')}`),
    '',
    `by language: ${r.byLang.map((l) => `${l.lang} ${pct(l.n === 0 ? 0 : l.resolved / l.n)} (n=${l.n})`).join(', ')}`,
    `by variation: ${r.byVariation.map((v) => `${v.variation} ${pct(v.n === 0 ? 0 : v.resolved / v.n)} (n=${v.n})`).join(', ')}`,
  ];
  if (r.skipped.length > 0) lines.push(`skipped (no order fit for the goal): ${r.skipped.map((s) => `${s.goal} ${s.n}`).join(', ')}`);
  return lines.join('\n');
}

/** The --json output: the report with every transcript. */
export function jsonReport(r: SimReport): string {
  return `${JSON.stringify(r, null, 2)}\n`;
}

/** The BENCHMARKS.md section (the machine and date line is added by writeBenchSection). */
export function markdownSection(r: SimReport, chart = 'docs/simulate.svg', at?: { commit: string | null; time: string }): string {
  const rows = played(r).map((g) => `| ${g.goal} | ${g.n} | ${pct(g.n === 0 ? 0 : g.resolved / g.n)} | ${pct(g.n === 0 ? 0 : g.transferred / g.n)} | ${g.meanTurns.toFixed(2)} | ${g.wrongWrites} | ${g.failures.slice(0, 3).map((f) => `${f.failure} ${f.n}`).join(', ') || '—'} |`);
  return `## Customer simulator (\`kefu eval simulate\`)

\`kefu eval simulate --conversations ${r.conversations} --seed ${r.seed} --write\`: goal-driven simulated customers (own phrasings, not the NLU's training text) against the ${r.world}, Kefu in-process with KEFU_LLM=none (retrieval-only), judged from the order system's state, the tickets filed and the replies. See docs/simulate.md.${at === undefined ? '' : ` Run ${at.time} UTC${at.commit === null ? '' : ` at commit ${at.commit}`} (other work on the NLU and flows moves these numbers).`}

**Resolution ${pct(r.resolutionRate)}**, transfer ${pct(r.transferRate)} (handoffs where the goal did not need a person; ${pct(r.anyHandoffRate)} of all conversations handed off), mean turns ${r.meanTurns.toFixed(2)}, **wrong writes ${r.wrongWrites}**${r.wrongWrites > 0 ? ` (${Object.entries(r.wrongWritesByKind).map(([k, n]) => `${k} ${n}`).join(', ')})` : ''}. ${r.conversations} conversations in ${(r.elapsedMs / 1000).toFixed(0)} s. By language: ${r.byLang.map((l) => `${l.lang} ${pct(l.n === 0 ? 0 : l.resolved / l.n)} (n=${l.n})`).join(', ')}.

Resolution by variation: ${r.byVariation.map((v) => `${v.variation} ${pct(v.n === 0 ? 0 : v.resolved / v.n)} (n=${v.n})`).join(', ')}.

| goal | n | resolved | transferred | mean turns | wrong writes | top failures |
|---|---:|---:|---:|---:|---:|---|
${rows.join('\n')}

![resolution and transfer per goal](${chart})`;
}

/** Paired horizontal bars per goal: resolution (green) and transfer (orange). */
export function svgChart(r: SimReport): string {
  const left = 130;
  const barMax = 360;
  const rowHeight = 34;
  const top = 62;
  const height = top + played(r).length * rowHeight + 34;
  const width = left + barMax + 190;
  const bars = played(r).map((g, i) => {
    const y = top + i * rowHeight;
    const res = g.n === 0 ? 0 : g.resolved / g.n;
    const tr = g.n === 0 ? 0 : g.transferred / g.n;
    return [
      `  <text x="${left - 8}" y="${y + 19}" text-anchor="end">${escapeXml(g.goal)}</text>`,
      `  <rect x="${left}" y="${y + 3}" width="${(barMax * res).toFixed(1)}" height="13" fill="#2f855a"/>`,
      `  <text x="${left + barMax * res + 6}" y="${y + 14}">${pct(res)} resolved (n=${g.n})</text>`,
      `  <rect x="${left}" y="${y + 17}" width="${(barMax * tr).toFixed(1)}" height="13" fill="#dd6b20"/>`,
      `  <text x="${left + barMax * tr + 6}" y="${y + 28}" fill="#9c4221">${pct(tr)} transferred</text>`,
    ].join('\n');
  });
  const axisY = top + played(r).length * rowHeight + 4;
  const x85 = left + barMax * 0.85;
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="sans-serif" font-size="12">
  <rect width="100%" height="100%" fill="#ffffff"/>
  <text x="${left}" y="20" font-size="14" font-weight="bold">${escapeXml(`Simulated customers per goal (n=${r.conversations}, seed ${r.seed})`)}</text>
  <text x="${left}" y="38" fill="#555">${escapeXml(`resolution ${pct(r.resolutionRate)}, transfer ${pct(r.transferRate)}, mean turns ${r.meanTurns.toFixed(2)}, wrong writes ${r.wrongWrites}`)}</text>
  <text x="${left}" y="54" fill="#555">green: resolved, orange: handed to a person</text>
${bars.join('\n')}
  <line x1="${x85}" y1="${top - 2}" x2="${x85}" y2="${axisY}" stroke="#333" stroke-dasharray="4 3"/>
  <text x="${x85}" y="${axisY + 14}" text-anchor="middle" fill="#333">85%</text>
</svg>
`;
}
