import path from 'node:path';
import { getLlama } from 'node-llama-cpp';
import { findShippedModel, PROJECT_ROOT } from '../src/config/load-config.ts';
import type { ChatMessage, LanguageModel } from '../src/contracts/language-model.ts';
import { createEmbeddedProvider } from '../src/llm/embedded-provider.ts';
import { createOpenAICompatibleProvider } from '../src/llm/openai-compatible-provider.ts';
import { startLlamaServer } from '../scripts/llama-server.ts';
import { kefuPrompts } from './llm-prompts.ts';
import { writeBenchSection } from './write-section.ts';

/**
 * `npm run bench:llm`: the shipped GGUF in-process (node-llama-cpp) against llama.cpp's own
 * llama-server on the same file and thread count, in one run: time to first token and tokens/s
 * for one conversation, then aggregate tokens/s at 1, 4 and 8 concurrent conversations.
 */
const THREADS = Number(process.env['KEFU_BENCH_THREADS'] ?? 1);
const MAX_TOKENS = 96;
const LEVELS = [1, 4, 8] as const;

interface Run {
  ttftMs: number;
  tokens: number;
  ms: number;
}

async function once(model: LanguageModel, messages: ChatMessage[]): Promise<Run> {
  const t0 = performance.now();
  let first = 0;
  let deltas = 0;
  let tokens: number | undefined;
  for await (const p of model.doStream({ messages, maxTokens: MAX_TOKENS, temperature: 0 })) {
    if (p.type === 'text-delta') {
      if (first === 0) first = performance.now();
      deltas++;
    } else if (p.type === 'finish') tokens = p.usage.outputTokens;
    else throw p.error instanceof Error ? p.error : new Error(String(p.error));
  }
  return { ttftMs: first - t0, tokens: tokens ?? deltas, ms: performance.now() - t0 };
}

const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

async function measure(model: LanguageModel, prompts: ChatMessage[][]) {
  await once(model, prompts[0]!); // warm-up: load, first allocation
  const single: Run[] = [];
  for (const p of prompts.slice(0, 8)) single.push(await once(model, p));
  const ttft = median(single.map((r) => r.ttftMs));
  const tps = single.reduce((s, r) => s + r.tokens, 0) / (single.reduce((s, r) => s + r.ms, 0) / 1000);
  // Decode speed: tokens after the first over the time after the first (prefill excluded).
  const decode = single.reduce((s, r) => s + Math.max(0, r.tokens - 1), 0) / (single.reduce((s, r) => s + (r.ms - r.ttftMs), 0) / 1000);
  const aggregate: Record<number, number> = {};
  for (const n of LEVELS) {
    const t0 = performance.now();
    const runs = await Promise.all(Array.from({ length: n }, (_, i) => i).map(async (i) => {
      let total = 0;
      for (let k = 0; k < 2; k++) total += (await once(model, prompts[(i * 2 + k) % prompts.length]!)).tokens;
      return total;
    }));
    aggregate[n] = runs.reduce((a, b) => a + b, 0) / ((performance.now() - t0) / 1000);
  }
  return { ttftMs: ttft, tokensPerSecond: tps, decodeTokensPerSecond: decode, meanTokens: single.reduce((s, r) => s + r.tokens, 0) / single.length, aggregate };
}

const modelPath = process.env['KEFU_MODEL_PATH'] ?? findShippedModel();
if (modelPath === null) throw new Error('no models/*.gguf: run `npm run train:model` or set KEFU_MODEL_PATH');
const prompts = await kefuPrompts();

const probe = await getLlama({ gpu: false });
const binary = probe.buildType === 'prebuilt' ? "node-llama-cpp's prebuilt CPU binary" : 'a llama.cpp build compiled on this machine (`npx node-llama-cpp source download`)';
await probe.dispose();
process.stderr.write(`embedded (node-llama-cpp, ${binary}, ${THREADS} thread(s))…\n`);
const embedded = createEmbeddedProvider({ modelPath, threads: THREADS, sequences: 8, contextSize: 512, gpu: false });
const emb = await measure(embedded, prompts);
await embedded.close();
process.stderr.write(`${JSON.stringify(emb)}\nllama-server…\n`);
const server = await startLlamaServer({ model: modelPath, threads: THREADS, parallel: 8, contextPerSlot: 512 });
let srv: Awaited<ReturnType<typeof measure>>;
try {
  srv = await measure(createOpenAICompatibleProvider({ baseURLs: [server.baseURL], model: 'kefu' }), prompts);
} finally {
  server.stop();
}
process.stderr.write(`${JSON.stringify(srv)}\n`);

const f = (x: number) => x.toFixed(0);
const ratio = emb.decodeTokensPerSecond / srv.decodeTokensPerSecond;
const scale = (r: typeof emb) => (r.aggregate[8]! / r.aggregate[1]!).toFixed(2);
writeBenchSection('llm', `## Model inference: embedded vs llama-server

\`${path.relative(PROJECT_ROOT, modelPath)}\`, greedy, up to ${MAX_TOKENS} new tokens per reply, real
Kefu prompts (policy + retrieved passages + question), ${THREADS} CPU thread(s) for both. Embedded:
${binary}, one model, one context with 8 sequences (continuous batching). llama-server: the same llama.cpp
release built from node-llama-cpp's bundled source, \`-np 8\`, reached through Kefu's
OpenAI-compatible provider over loopback HTTP/SSE.

| measure | embedded | llama-server | embedded / server |
|---|---|---|---|
| time to first token (prefill of a ~250-token prompt), median | ${f(emb.ttftMs)} ms | ${f(srv.ttftMs)} ms | |
| decode tokens/s, one conversation | ${f(emb.decodeTokensPerSecond)} | ${f(srv.decodeTokensPerSecond)} | ${ratio.toFixed(2)}× |
| tokens/s including prefill, one conversation (replies average ${f(emb.meanTokens)} tokens) | ${f(emb.tokensPerSecond)} | ${f(srv.tokensPerSecond)} | ${(emb.tokensPerSecond / srv.tokensPerSecond).toFixed(2)}× |
${LEVELS.map((n) => `| aggregate tokens/s, ${n} concurrent | ${f(emb.aggregate[n]!)} | ${f(srv.aggregate[n]!)} | ${(emb.aggregate[n]! / srv.aggregate[n]!).toFixed(2)}× |`).join('\n')}
| 8 concurrent ÷ 1 | ${scale(emb)}× | ${scale(srv)}× | |
`);
process.stderr.write('wrote the llm section of BENCHMARKS.md\n');
