/**
 * The Done-means replay of issue 15: starts the real server (KEFU_LLM=embedded, the shipped GGUF,
 * cache off) once per shop — the demo shop and the three held-out shops of eval/heldout-shops
 * (evaluation only, never training data) — asks 200 questions in all through the HTTP API (SSE,
 * as the widget does) and judges each reply as shown (scripts/replay-judge.ts): garbled,
 * off-topic, truncated, key fact present, the model's own text or the extractive fallback, and
 * whether text that streamed was withdrawn by the grounding gate. Done means 0 garbled, off-topic
 * or truncated replies shown.
 *
 *   npm run eval:replay [-- --limit N] [-- --write] [-- --dev] [-- --shops a,b]
 *   (--write: eval/replay/results.json, docs/replay.svg; the table goes to stdout either way;
 *   --dev: the development shops of eval/dev-shops instead; --shops: only the shops named)
 */
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createParser } from 'eventsource-parser';
import { loadConfig } from '../src/config/load-config.ts';
import { loadKbFiles } from '../src/knowledge/load-kb-files.ts';
import { startServer } from '../src/server/start-server.ts';
import { judge, passagesOf, rows, svg, table, type ReplayQuestion, type Shown, type Verdict } from './replay-judge.ts';

const ROOT = path.resolve(import.meta.dirname, '..');
const TOTAL = 200;
const HELD_OUT = ['garden-centre', 'pet-supplies', 'lingua-subscription'];

interface Shop {
  name: string;
  kb: string;
  questions: ReplayQuestion[];
}

const jsonl = <T>(file: string): T[] => readFileSync(file, 'utf8').split('\n').filter((l) => l.trim() !== '').map((l) => JSON.parse(l) as T);

/**
 * The held-out shops' own questions, then the demo shop's: the fresh fallback questions (each with
 * its key fact), then the demo KB's titles (questions as the shop wrote them, no key) until 200.
 */
async function shops(): Promise<Shop[]> {
  const held = HELD_OUT.map((name) => ({ name, kb: path.join(ROOT, 'eval/heldout-shops', name, 'kb.md'), questions: jsonl<ReplayQuestion>(path.join(ROOT, 'eval/heldout-shops', name, 'questions.jsonl')) }));
  const fresh = jsonl<{ question: string; lang: 'zh' | 'en'; key_fact: string }>(path.join(ROOT, 'eval/fallback/fresh-2026-12-06.jsonl')).map((l): ReplayQuestion => ({ q: l.question, lang: l.lang, kind: 'fact', key: [l.key_fact] }));
  const demoKb = path.join(ROOT, 'kb/demo-shop');
  const { documents } = await loadKbFiles([demoKb]);
  const room = TOTAL - held.reduce((n, s) => n + s.questions.length, 0) - fresh.length;
  // Every other title first: both languages of a topic ask the same thing.
  const titles = [...documents.filter((_, i) => i % 2 === 0), ...documents.filter((_, i) => i % 2 === 1)].slice(0, Math.max(0, room)).map((d): ReplayQuestion => ({ q: d.title, lang: d.lang === 'en' ? 'en' : 'zh', kind: 'title', key: [] }));
  return [{ name: 'demo-shop', kb: demoKb, questions: [...fresh, ...titles] }, ...held];
}

/** The development shops (eval/dev-shops): written for tuning, unlike the held-out ones. */
function devShops(): Shop[] {
  const root = path.join(ROOT, 'eval/dev-shops');
  return readdirSync(root, { withFileTypes: true })
    .filter((d) => d.isDirectory())
    .map((d) => ({ name: d.name, kb: path.join(root, d.name, 'kb.md'), questions: jsonl<ReplayQuestion>(path.join(root, d.name, 'questions.jsonl')) }));
}

/** The shops asked for on the command line: --dev picks the development set, --shops a,b narrows it. */
async function chosenShops(): Promise<Shop[]> {
  const all = process.argv.includes('--dev') ? devShops() : await shops();
  const named = process.argv.indexOf('--shops');
  if (named < 0) return all;
  const wanted = new Set((process.argv[named + 1] ?? '').split(','));
  return all.filter((s) => wanted.has(s.name));
}

/** One question through POST /v1/chat with `stream: true`: the deltas as streamed and the done reply. */
async function ask(url: string, question: string): Promise<Shown> {
  const res = await fetch(`${url}/v1/chat`, { method: 'POST', headers: { 'content-type': 'application/json', accept: 'text/event-stream' }, body: JSON.stringify({ message: question, stream: true }) });
  if (!res.ok || res.body === null) throw new Error(`${question}: HTTP ${res.status}`);
  let streamed = '';
  let done: Omit<Shown, 'streamed'> | null = null;
  const parser = createParser({
    onEvent: (e) => {
      if (e.event === 'delta') streamed += (JSON.parse(e.data) as { text: string }).text;
      else if (e.event === 'done') done = JSON.parse(e.data) as Omit<Shown, 'streamed'>;
      else if (e.event === 'error') throw new Error(`${question}: ${e.data}`);
    },
  });
  const decoder = new TextDecoder();
  const reader = res.body.getReader();
  for (let r = await reader.read(); !r.done; r = await reader.read()) parser.feed(decoder.decode(r.value, { stream: true }));
  if (done === null) throw new Error(`${question}: no done event`);
  return { ...(done as Omit<Shown, 'streamed'>), streamed };
}

/** Why the model's text was replaced, from the server's own counter (kefu_generation_fallbacks_total{reason}). */
async function fallbackReasons(url: string): Promise<Record<string, number>> {
  const text = await (await fetch(`${url}/metrics`)).text();
  const out: Record<string, number> = {};
  for (const line of text.split('\n')) {
    if (!line.startsWith('kefu_generation_fallbacks_total{')) continue;
    const reason = /reason="([^"]*)"/.exec(line)?.[1] ?? '?';
    out[reason] = (out[reason] ?? 0) + Number(line.slice(line.lastIndexOf(' ') + 1));
  }
  return out;
}

const reasons: Record<string, Record<string, number>> = {};

async function replayShop(shop: Shop, limit: number): Promise<Verdict[]> {
  const dir = mkdtempSync(path.join(tmpdir(), 'kefu-replay-'));
  const server = await startServer(
    loadConfig({ PORT: '0', HOST: '127.0.0.1', KEFU_DATA_DIR: dir, KEFU_LLM: 'embedded', KEFU_KB: shop.kb, KEFU_ADMIN_KEY: 'eval-admin-key-0123456789', KEFU_LOG_LEVEL: 'silent', KEFU_BUSINESS_HOURS: 'always', KEFU_CACHE: 'off', KEFU_RATE_LIMIT_PER_MINUTE: '100000' }),
  );
  const passages = await passagesOf(shop.kb);
  const out: Verdict[] = [];
  try {
    for (const q of shop.questions.slice(0, limit)) {
      out.push(judge(shop.name, q, await ask(server.url, q.q), passages));
      process.stderr.write('.');
    }
    reasons[shop.name] = await fallbackReasons(server.url);
  } finally {
    await server.close();
    rmSync(dir, { recursive: true, force: true });
  }
  process.stderr.write(` ${shop.name}\n`);
  return out;
}

async function main(): Promise<void> {
  const limitArg = process.argv.indexOf('--limit');
  const limit = limitArg > 0 ? Number(process.argv[limitArg + 1]) : Infinity;
  const verdicts: Verdict[] = [];
  for (const shop of await chosenShops()) verdicts.push(...(await replayShop(shop, limit)));
  const rs = rows(verdicts);
  console.log(table(rs));
  for (const [shop, r] of Object.entries(reasons)) console.log(`model text replaced in ${shop}: ${Object.entries(r).map(([k, n]) => `${k} ${n}`).join(', ') || 'never'}`);
  const bad = verdicts.filter((v) => v.garbled || v.offTopic || v.truncated);
  for (const v of bad) console.log(`  BAD [${v.faults.join(',')}] ${v.shop}: ${v.q} → ${v.reply.replace(/\n/g, ' ⏎ ')}`);
  for (const v of verdicts.filter((x) => x.keyFact === false)) console.log(`  no key fact (${v.by}) ${v.shop}: ${v.q} → ${v.reply.replace(/\n/g, ' ⏎ ')}`);
  if (process.argv.includes('--write')) {
    mkdirSync(path.join(ROOT, 'eval/replay'), { recursive: true });
    writeFileSync(path.join(ROOT, 'eval/replay/results.json'), `${JSON.stringify({ rows: rs, fallbackReasons: reasons, verdicts }, null, 2)}\n`);
    writeFileSync(path.join(ROOT, 'docs/replay.svg'), svg(rs));
    console.log('wrote eval/replay/results.json and docs/replay.svg');
  }
  console.log(bad.length === 0 ? 'Done means met: 0 garbled, off-topic or truncated replies shown.' : `NOT done: ${bad.length} bad replies shown.`);
}

await main();
