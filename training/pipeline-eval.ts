/**
 * How the shipped model does inside the server, not in isolation: every demo-KB question (title)
 * goes through the real pipeline (retrieval, prompt, embedded model, sentence grounding check).
 * Reports how many replies the model's own text reaches the user, why the rest fell back to the
 * retrieval answer, and latency (time to first checked sentence, whole reply).
 *
 *   npx tsx training/pipeline-eval.ts [model.gguf] [--lora adapter.gguf] [--out file.json]
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { DEMO_KB_PATH, findShippedModel, loadConfig } from '../src/config/load-config.ts';
import { createKefu } from '../src/create-kefu.ts';
import { loadKbFiles } from '../src/knowledge/load-kb-files.ts';
import { createLogger } from '../src/logging/create-logger.ts';

const args = process.argv.slice(2);
const flag = (name: string): string | undefined => {
  const i = args.indexOf(name);
  return i >= 0 ? args.splice(i, 2)[1] : undefined;
};
const lora = flag('--lora');
const outFile = flag('--out');
const modelPath = args[0] ?? findShippedModel();
if (modelPath == null) throw new Error('no model: pass a GGUF path or run `npm run train:model`');

const dir = mkdtempSync(path.join(tmpdir(), 'kefu-pipeline-eval-'));
const kefu = await createKefu(
  loadConfig({ KEFU_DATA_DIR: dir, KEFU_LLM: 'embedded', KEFU_MODEL_PATH: modelPath, KEFU_LOG_LEVEL: 'silent', ...(lora ? { KEFU_LORA_PATH: lora } : {}) }),
  { logger: createLogger('silent') },
);
try {
  await kefu.model?.ready();
  const { documents } = await loadKbFiles([DEMO_KB_PATH]);
  const questions = documents.map((d) => ({ q: d.title, lang: d.lang ?? 'zh' }));
  const rows: { q: string; lang: string; model: string; ttftMs: number; totalMs: number; reply: string }[] = [];
  for (const [i, { q, lang }] of questions.entries()) {
    const t0 = performance.now();
    let ttft = 0;
    let model = '';
    let reply = '';
    for await (const part of kefu.pipeline.stream({ message: q, channel: 'api' })) {
      if (part.type === 'text-delta' && ttft === 0) ttft = performance.now() - t0;
      if (part.type === 'done') {
        model = part.reply.model;
        reply = part.reply.reply;
      }
    }
    rows.push({ q, lang, model, ttftMs: ttft, totalMs: performance.now() - t0, reply });
    process.stderr.write(`\r${i + 1}/${questions.length}`);
  }
  process.stderr.write('\n');
  const fallbacks = await kefu.metrics.registry.getSingleMetric('kefu_generation_fallbacks_total')!.get();
  const pct = (p: number, xs: number[]) => Math.round([...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor(p * xs.length))]!);
  const byModel = rows.filter((r) => r.model.startsWith('embedded:')).length;
  const summary = {
    model: path.basename(modelPath),
    lora: lora ? path.basename(lora) : null,
    questions: rows.length,
    answeredByModel: byModel,
    answeredByModelRate: Math.round((1000 * byModel) / rows.length) / 1000,
    fellBack: Object.fromEntries(fallbacks.values.map((v) => [String(v.labels['reason']), v.value])),
    otherReplies: Object.fromEntries([...new Set(rows.map((r) => r.model))].filter((m) => !m.startsWith('embedded:')).map((m) => [m, rows.filter((r) => r.model === m).length])),
    firstSentenceMs: { p50: pct(0.5, rows.map((r) => r.ttftMs)), p95: pct(0.95, rows.map((r) => r.ttftMs)) },
    replyMs: { p50: pct(0.5, rows.map((r) => r.totalMs)), p95: pct(0.95, rows.map((r) => r.totalMs)) },
    samples: rows.filter((r) => r.model.startsWith('embedded:')).slice(0, 6).map((r) => ({ q: r.q, reply: r.reply })),
  };
  process.stdout.write(`${JSON.stringify(summary, null, 1)}\n`);
  if (outFile) writeFileSync(outFile, `${JSON.stringify(summary, null, 1)}\n`);
} finally {
  await kefu.close();
  rmSync(dir, { recursive: true, force: true });
}
