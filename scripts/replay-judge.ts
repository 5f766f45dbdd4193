/**
 * The judgement of the replay (scripts/eval-replay.ts): what is wrong with a reply as it was shown,
 * over the passages its sources name, with the grounding check's own faults (replyFaults); whether
 * it holds the question's key fact; who wrote it. Plus the table and the chart of a whole run.
 */
import { chunkText } from '../src/knowledge/chunker.ts';
import { loadKbFiles } from '../src/knowledge/load-kb-files.ts';
import { replyFaults } from '../src/pipeline/grounding-check.ts';
import type { TopicPassage } from '../src/pipeline/topic-agreement.ts';

export interface ReplayQuestion {
  q: string;
  lang: 'zh' | 'en';
  kind: 'fact' | 'figure' | 'condition' | 'not_covered' | 'title';
  key: string[];
}

export interface Shown {
  reply: string;
  /** The deltas as they streamed, joined: differs from `reply` when text was withdrawn. */
  streamed: string;
  sources: { id: string; score: number }[];
  model: string;
  flow?: { name: string } | undefined;
  handoff?: boolean;
}

export interface Verdict {
  shop: string;
  q: string;
  kind: ReplayQuestion['kind'];
  reply: string;
  by: 'model' | 'fallback' | 'other';
  garbled: boolean;
  offTopic: boolean;
  truncated: boolean;
  /** null: the question has no key (a demo KB title), or the reply was no knowledge reply. */
  keyFact: boolean | null;
  withdrawn: boolean;
  faults: string[];
}

/** Passages by source id (`doc#chunk`), as retrieval numbers them. */
export async function passagesOf(kb: string): Promise<Map<string, TopicPassage>> {
  const { documents } = await loadKbFiles([kb]);
  const out = new Map<string, TopicPassage>();
  for (const d of documents) chunkText(d.text).forEach((text, i) => out.set(`${d.id}#${i}`, { title: d.title, text }));
  return out;
}

/** The knowledge part of a shown reply: a complaint notice or a flow's resume line after it is not judged. */
function knowledgePart(reply: string): string {
  const lines = reply.split('\n');
  return [lines[0]!, ...lines.slice(1).filter((l) => /^(?:另请参考|See also)/.test(l))].join('\n');
}

const fold = (s: string): string => s.normalize('NFKC').replace(/[–—-]/g, '-').replace(/\s+/g, ' ').toLowerCase();
/** An honest "the passages don't say" or an offer of a person. */
const DECLINES = /没有找到|没有(?:相关|提到)|未提及|不清楚|转人工|人工客服|couldn'?t find|don'?t have|not (?:mentioned|covered)|talk to a person|human agent/i;

export function judge(shop: string, question: ReplayQuestion, shown: Shown, passages: ReadonlyMap<string, TopicPassage>): Verdict {
  const knowledge = shown.sources.length > 0 && shown.flow == null && shown.handoff !== true;
  const given = shown.sources.map((s) => ({ ...(passages.get(s.id) ?? { title: '', text: '' }), score: s.score }));
  const faults = knowledge ? replyFaults(question.q, knowledgePart(shown.reply), given) : shown.reply.includes('\uFFFD') ? ['garbled'] : [];
  const by = !knowledge ? 'other' : shown.model === 'retrieval' ? 'fallback' : 'model';
  let keyFact: boolean | null = null;
  if (question.kind === 'not_covered') keyFact = DECLINES.test(shown.reply) || shown.handoff === true;
  else if (question.key.length > 0) keyFact = question.key.every((k) => fold(shown.reply).includes(fold(k)));
  return {
    shop,
    q: question.q,
    kind: question.kind,
    reply: shown.reply,
    by,
    garbled: faults.includes('garbled') || faults.includes('unknown_tokens'),
    offTopic: faults.includes('off_topic') || faults.includes('cited_off_topic'),
    truncated: faults.includes('truncated'),
    keyFact,
    withdrawn: fold(shown.streamed) !== fold(shown.reply),
    faults,
  };
}

export interface Row {
  shop: string;
  questions: number;
  garbled: number;
  offTopic: number;
  truncated: number;
  keyed: number;
  keyFact: number;
  model: number;
  fallback: number;
  other: number;
  withdrawn: number;
}

export function rows(verdicts: readonly Verdict[]): Row[] {
  const shops = [...new Set(verdicts.map((v) => v.shop)), 'all'];
  return shops.map((shop) => {
    const vs = verdicts.filter((v) => shop === 'all' || v.shop === shop);
    const n = (f: (v: Verdict) => boolean): number => vs.filter(f).length;
    return {
      shop,
      questions: vs.length,
      garbled: n((v) => v.garbled),
      offTopic: n((v) => v.offTopic),
      truncated: n((v) => v.truncated),
      keyed: n((v) => v.keyFact !== null),
      keyFact: n((v) => v.keyFact === true),
      model: n((v) => v.by === 'model'),
      fallback: n((v) => v.by === 'fallback'),
      other: n((v) => v.by === 'other'),
      withdrawn: n((v) => v.withdrawn),
    };
  });
}

export function table(rs: readonly Row[]): string {
  const pct = (a: number, b: number): string => (b === 0 ? '–' : `${a} / ${b} (${Math.round((100 * a) / b)} %)`);
  const head = '| shop | questions | garbled shown | off-topic shown | truncated shown | key fact | model\'s own text | extractive fallback | flow / handoff / no passage | streamed then withdrawn |\n|---|---|---|---|---|---|---|---|---|---|';
  const body = rs.map((r) => `| ${r.shop} | ${r.questions} | ${r.garbled} | ${r.offTopic} | ${r.truncated} | ${pct(r.keyFact, r.keyed)} | ${pct(r.model, r.questions)} | ${r.fallback} | ${r.other} | ${r.withdrawn} |`);
  return [head, ...body].join('\n');
}

/** Stacked bars per shop: who wrote the shown reply, with the faults shown marked above. */
export function svg(rs: readonly Row[]): string {
  const W = 560;
  const H = 240;
  const bar = 60;
  const scale = (H - 70) / Math.max(1, ...rs.map((r) => r.questions));
  const colours: [keyof Row, string, string][] = [['model', '#3b82f6', "model's own text"], ['fallback', '#f59e0b', 'extractive fallback'], ['other', '#9ca3af', 'flow / handoff / none']];
  const bars = rs.map((r, i) => {
    const x = 50 + i * (bar + 30);
    let y = H - 40;
    const rects = colours.map(([k, c]) => {
      const h = (r[k] as number) * scale;
      y -= h;
      return `<rect x="${x}" y="${y.toFixed(1)}" width="${bar}" height="${h.toFixed(1)}" fill="${c}"/>`;
    });
    const bad = r.garbled + r.offTopic + r.truncated;
    return `${rects.join('')}<text x="${x + bar / 2}" y="${H - 25}" text-anchor="middle">${r.shop}</text><text x="${x + bar / 2}" y="${(y - 5).toFixed(1)}" text-anchor="middle">${bad} bad shown</text>`;
  });
  const legend = colours.map(([, c, label], i) => `<rect x="${50 + i * 160}" y="10" width="10" height="10" fill="${c}"/><text x="${64 + i * 160}" y="19">${label}</text>`);
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}" viewBox="0 0 ${W} ${H}" font-family="sans-serif" font-size="11">
<rect width="${W}" height="${H}" fill="white"/>${legend.join('')}${bars.join('')}
</svg>
`;
}
