/**
 * Renders prompts with the server's own buildPrompt() + formatKefuPrompt(), so training/corpus.py
 * can check that its Python reimplementation produces byte-identical prompts.
 * Usage: npx tsx training/render-prompts.ts < inputs.json   (JSON array of PromptInput-like objects)
 * Prints a JSON array of strings. An input with `reply` gets `${reply}<|end|>` appended (training form).
 */
import { readFileSync } from 'node:fs';
import { buildPrompt } from '../src/pipeline/prompt-builder.ts';
import { formatKefuPrompt } from '../src/llm/chat-template.ts';
import type { PromptInput } from '../src/pipeline/prompt-builder.ts';

const inputs = JSON.parse(readFileSync(0, 'utf8')) as (PromptInput & { reply?: string })[];
const out = inputs.map((inp) => {
  const text = formatKefuPrompt(buildPrompt(inp));
  return inp.reply === undefined ? text : `${text}${inp.reply}<|end|>`;
});
process.stdout.write(JSON.stringify(out));
