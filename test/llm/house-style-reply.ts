import type { ChatMessage, LanguageModel } from '../../src/contracts/language-model.ts';
import { POLICY } from '../../src/pipeline/prompt-builder.ts';

/** A customer question under the shipped system policy, as the LoRA tests ask it. */
export const prompt = (q: string): ChatMessage[] => [
  { role: 'system', content: POLICY.zh },
  { role: 'user', content: q },
];

/** The model's greedy reply, 48 tokens at most. */
export async function reply(model: LanguageModel, messages: ChatMessage[]): Promise<string> {
  let text = '';
  for await (const p of model.doStream({ messages, maxTokens: 48, temperature: 0 })) if (p.type === 'text-delta') text += p.text;
  return text;
}
