import { resolveChatWrapper, type ChatHistoryItem, type LlamaModel, type Token } from 'node-llama-cpp';
import type { ChatMessage } from '../contracts/language-model.ts';
import { formatKefuPrompt, KEFU_JINJA_TEMPLATE, KEFU_TEMPLATE } from './chat-template.ts';

/** Turns chat messages into the token sequence a particular GGUF model was trained on. */
export interface PromptEncoder {
  /** `kefu`, `custom`, or node-llama-cpp's wrapper name (`Llama 3.1`, `ChatML`, `Jinja`…). */
  name: string;
  encode(messages: readonly ChatMessage[]): Token[];
  /** Single tokens that end an answer besides the model's own end-of-generation tokens. */
  stopTokens: Token[];
  /** Texts that end an answer. */
  stopStrings: string[];
}

function textEncoder(model: LlamaModel, name: string, format: (m: readonly ChatMessage[]) => string, stopStrings: string[]): PromptEncoder {
  const bos = model.tokens.shouldPrependBosToken && model.tokens.bos !== null ? [model.tokens.bos] : [];
  const stopTokens: Token[] = [];
  for (const s of stopStrings) {
    const t = model.tokenize(s, true);
    if (t.length === 1 && t[0] !== undefined) stopTokens.push(t[0]);
  }
  return { name, encode: (messages) => [...bos, ...model.tokenize(format(messages), true)], stopTokens, stopStrings };
}

function toHistory(messages: readonly ChatMessage[]): ChatHistoryItem[] {
  const history: ChatHistoryItem[] = messages.map((m) =>
    m.role === 'system' ? { type: 'system', text: m.content } : m.role === 'user' ? { type: 'user', text: m.content } : { type: 'model', response: [m.content] },
  );
  history.push({ type: 'model', response: [] });
  return history;
}

/**
 * Picks the prompt format for a loaded model. Kefu's shipped model (its GGUF carries Kefu's
 * template, or none) is formatted by `formatKefuPrompt`, because node-llama-cpp's generic Jinja
 * handling mis-tokenised it; any other model (Llama 3, Qwen, Mistral…) gets the chat wrapper
 * node-llama-cpp resolves from its GGUF metadata, so users' own GGUF files work unchanged.
 */
export function resolvePromptEncoder(model: LlamaModel, custom?: (messages: readonly ChatMessage[]) => string, customStops?: readonly string[]): PromptEncoder {
  if (custom !== undefined) return textEncoder(model, 'custom', custom, [...(customStops ?? [KEFU_TEMPLATE.end])]);
  const template = model.fileInfo.metadata.tokenizer?.chat_template;
  if (template === undefined || template === KEFU_JINJA_TEMPLATE) {
    return textEncoder(model, 'kefu', formatKefuPrompt, [...(customStops ?? [KEFU_TEMPLATE.end])]);
  }
  const wrapper = resolveChatWrapper(model);
  const probe = wrapper.generateContextState({ chatHistory: toHistory([{ role: 'user', content: 'hi' }]) });
  const stopTokens: Token[] = [];
  const stopStrings: string[] = [...(customStops ?? [])];
  for (const trigger of probe.stopGenerationTriggers) {
    const tokens = trigger.tokenize(model.tokenizer);
    if (tokens.length === 1 && tokens[0] !== undefined) stopTokens.push(tokens[0]);
    else stopStrings.push(trigger.toString());
  }
  return {
    name: wrapper.wrapperName,
    encode: (messages) => wrapper.generateContextState({ chatHistory: toHistory(messages) }).contextText.tokenize(model.tokenizer),
    stopTokens,
    stopStrings: stopStrings.filter((s) => s.trim() !== ''),
  };
}
