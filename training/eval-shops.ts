/**
 * How a model does on shops it was never trained on (issue 15): each held-out shop of
 * eval/heldout-shops/<shop>/ (kb.* and questions.jsonl, written outside the training data and never
 * read by training/) is loaded into the real pipeline (retrieval, prompt, embedded model, grounding
 * check, fallback; cache off), every question is asked, and each shown reply is judged by the
 * replay's judge (scripts/replay-judge.ts): the key fact in the reply (for a not_covered question: an
 * honest decline or a handoff), and whether the model's own text reached the customer or the
 * retrieval fallback replaced it.
 *
 *   npx tsx training/eval-shops.ts [model.gguf] [--shop name] [--out file.json] [--verbose]
 */
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { findShippedModel, loadConfig } from '../src/config/load-config.ts';
import { createKefu } from '../src/create-kefu.ts';
import { createLogger } from '../src/logging/create-logger.ts';
import { judge, passagesOf, type ReplayQuestion, type Verdict } from '../scripts/replay-judge.ts';

const ROOT = path.resolve(import.meta.dirname, '..');
const SHOPS = path.join(ROOT, 'eval', 'heldout-shops');

const args = process.argv.slice(2);
const flag = (name: string): string | undefined => {
  const i = args.indexOf(name);
  return i >= 0 ? args.splice(i, 2)[1] : undefined;
};
const outFile = flag('--out');
const verbose = args.includes('--verbose');
const modelPath = args.find((a) => !a.startsWith('--')) ?? findShippedModel();
if (modelPath == null) throw new Error('no model: pass a GGUF path or run `npm run train:model`');

const only = flag('--shop');
const shops = readdirSync(SHOPS, { withFileTypes: true })
  .filter((d) => d.isDirectory())
  .map((d) => path.join(SHOPS, d.name))
  .filter((dir) => readdirSync(dir).includes('questions.jsonl') && (only === undefined || path.basename(dir) === only));
if (shops.length === 0) throw new Error(`no held-out shops under ${SHOPS}`);

const fellBack: Record<string, number> = {};

async function evalShop(dir: string): Promise<Verdict[]> {
  const kbFile = readdirSync(dir).find((f) => f.startsWith('kb.'));
  if (kbFile === undefined) throw new Error(`${dir}: no kb.* file`);
  const kbPath = path.join(dir, kbFile);
  const questions = readFileSync(path.join(dir, 'questions.jsonl'), 'utf8')
    .split('\n')
    .filter((l) => l.trim() !== '')
    .map((l) => JSON.parse(l) as ReplayQuestion);
  const data = mkdtempSync(path.join(tmpdir(), 'kefu-eval-shops-'));
  const kefu = await createKefu(
    loadConfig({ KEFU_DATA_DIR: data, KEFU_LLM: 'embedded', KEFU_MODEL_PATH: modelPath!, KEFU_KB: kbPath, KEFU_CACHE: 'off', KEFU_BUSINESS_HOURS: 'always', KEFU_LOG_LEVEL: 'silent' }),
    { logger: createLogger('silent') },
  );
  const passages = await passagesOf(kbPath);
  const out: Verdict[] = [];
  try {
    await kefu.model?.ready();
    for (const q of questions) {
      let streamed = '';
      let verdict: Verdict | null = null;
      // a fresh session per question: each is a new customer's first message
      for await (const part of kefu.pipeline.stream({ message: q.q, channel: 'api' })) {
        if (part.type === 'text-delta') streamed += part.text;
        if (part.type === 'done') verdict = judge(path.basename(dir), q, { ...part.reply, streamed }, passages);
      }
      if (verdict === null) throw new Error(`${q.q}: no reply`);
      out.push(verdict);
      process.stderr.write('.');
    }
    const metric = await kefu.metrics.registry.getSingleMetric('kefu_generation_fallbacks_total')?.get();
    for (const v of metric?.values ?? []) fellBack[String(v.labels['reason'])] = (fellBack[String(v.labels['reason'])] ?? 0) + v.value;
  } finally {
    await kefu.close();
    rmSync(data, { recursive: true, force: true });
  }
  process.stderr.write(` ${path.basename(dir)}\n`);
  return out;
}

const verdicts: Verdict[] = [];
for (const dir of shops) verdicts.push(...(await evalShop(dir)));

const rate = (vs: readonly Verdict[], f: (v: Verdict) => boolean): number => (vs.length === 0 ? 0 : Math.round((1000 * vs.filter(f).length) / vs.length) / 10);
const summarise = (vs: readonly Verdict[]) => {
  const keyed = vs.filter((v) => v.keyFact !== null);
  return {
    questions: vs.length,
    keyFactPct: rate(keyed, (v) => v.keyFact === true),
    keyed: keyed.length,
    modelTextPct: rate(vs, (v) => v.by === 'model'),
    byModel: vs.filter((v) => v.by === 'model').length,
    byFallback: vs.filter((v) => v.by === 'fallback').length,
    byOther: vs.filter((v) => v.by === 'other').length,
    garbledOffTopicTruncated: vs.filter((v) => v.garbled || v.offTopic || v.truncated).length,
  };
};
const byShop = Object.fromEntries([...new Set(verdicts.map((v) => v.shop))].map((s) => [s, summarise(verdicts.filter((v) => v.shop === s))]));
const byKind = Object.fromEntries([...new Set(verdicts.map((v) => v.kind))].map((k) => [k, summarise(verdicts.filter((v) => v.kind === k))]));
const summary = { model: path.basename(modelPath), all: summarise(verdicts), fellBack, byShop, byKind };
process.stdout.write(`${JSON.stringify(summary, null, 1)}\n`);
if (verbose) for (const v of verdicts) process.stdout.write(`${v.keyFact === false ? 'MISS' : v.keyFact ? 'ok  ' : '--  '} ${v.by.padEnd(8)} ${v.shop}: ${v.q} → ${v.reply.replace(/\n/g, ' ⏎ ')}\n`);
if (outFile) writeFileSync(outFile, `${JSON.stringify({ ...summary, verdicts }, null, 1)}\n`);
