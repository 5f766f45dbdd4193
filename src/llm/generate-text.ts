import type { FinishReason, GenerateParams, LanguageModel, Usage } from '../contracts/language-model.ts';

export interface GeneratedText {
  text: string;
  finishReason: FinishReason;
  usage: Usage;
}

/**
 * Collects a whole reply from any LanguageModel, for callers that do not stream (classification,
 * structured output, tests). The stream stays the contract; an `error` part is thrown here.
 */
export async function generateText(model: LanguageModel, params: GenerateParams): Promise<GeneratedText> {
  let text = '';
  for await (const part of model.doStream(params)) {
    if (part.type === 'text-delta') text += part.text;
    else if (part.type === 'error') throw part.error;
    else return { text, finishReason: part.finishReason, usage: part.usage };
  }
  return { text, finishReason: 'other', usage: {} };
}
