import type { ChatMessage } from '../contracts/language-model.ts';

/**
 * The chat format of Kefu's shipped model. The training corpus (training/corpus.py) writes exactly
 * this format, and the embedded provider formats prompts with it instead of relying on
 * node-llama-cpp's generic Jinja handling (which mis-tokenised a custom template in our tests).
 * Special markers are single tokens in the shipped tokenizer.
 */
export const KEFU_TEMPLATE = {
  system: '<|system|>',
  user: '<|user|>',
  assistant: '<|assistant|>',
  end: '<|end|>',
} as const;

/** Jinja version stored as `tokenizer.chat_template` in the GGUF, for llama-server and others. */
export const KEFU_JINJA_TEMPLATE =
  "{% for m in messages %}<|{{ m['role'] }}|>\n{{ m['content'] }}<|end|>\n{% endfor %}" +
  '{% if add_generation_prompt %}<|assistant|>\n{% endif %}';

export function formatKefuPrompt(messages: readonly ChatMessage[]): string {
  let out = '';
  for (const m of messages) out += `<|${m.role}|>\n${m.content}${KEFU_TEMPLATE.end}\n`;
  return `${out}${KEFU_TEMPLATE.assistant}\n`;
}
