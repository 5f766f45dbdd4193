/**
 * Greedy generation with the GGUF through node-llama-cpp, the way the server's embedded provider
 * does it: BOS + model.tokenize(formatKefuPrompt(messages), true), sequence.evaluate at temperature 0,
 * stop at an end-of-generation token (<|end|>).
 * Usage: npx tsx training/llama-generate.ts in.json out.json
 *   in.json: { modelPath, maxTokens, threads?, prompts: [{ messages: ChatMessage[] }] }
 *   out.json: { results: [{ promptTokens, tokens, text, ms }], loadMs, genTokens, genMs, tokensPerSecond }
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { getLlama } from 'node-llama-cpp';
import { formatKefuPrompt } from '../src/llm/chat-template.ts';
import type { ChatMessage } from '../src/contracts/language-model.ts';

interface Input {
  modelPath: string;
  maxTokens: number;
  threads?: number;
  prompts: { messages: ChatMessage[] }[];
}

const [inPath, outPath] = process.argv.slice(2);
if (inPath === undefined || outPath === undefined) throw new Error('usage: llama-generate.ts in.json out.json');
const input = JSON.parse(readFileSync(inPath, 'utf8')) as Input;

const t0 = Date.now();
const llama = await getLlama({ gpu: false });
const model = await llama.loadModel({ modelPath: input.modelPath });
const context = await model.createContext({ contextSize: { max: 4096 }, threads: input.threads ?? 1 });
const loadMs = Date.now() - t0;
const results = [];
let genTokens = 0;
let genMs = 0;
for (const p of input.prompts) {
  const sequence = context.getSequence();
  const bos = model.tokens.shouldPrependBosToken && model.tokens.bos !== null ? [model.tokens.bos] : [];
  const prompt = [...bos, ...model.tokenize(formatKefuPrompt(p.messages), true)];
  const tokens: number[] = [];
  const start = Date.now();
  let firstAt = 0;
  for await (const token of sequence.evaluate(prompt, { temperature: 0 })) {
    if (tokens.length === 0) firstAt = Date.now();
    tokens.push(token);
    if (tokens.length >= input.maxTokens) break;
  }
  const end = Date.now();
  genTokens += Math.max(tokens.length - 1, 0);
  genMs += end - (firstAt || end);
  results.push({
    promptTokens: prompt as number[],
    tokens,
    text: model.detokenize(tokens as never),
    ms: end - start,
    promptMs: (firstAt || end) - start,
  });
  sequence.dispose();
}
writeFileSync(
  outPath,
  JSON.stringify({
    results,
    loadMs,
    genTokens,
    genMs,
    tokensPerSecond: genMs > 0 ? (genTokens * 1000) / genMs : null,
    eog: model.tokens.eos,
    eot: model.tokens.eot,
  }),
);
await context.dispose();
await model.dispose();
await llama.dispose();
