/**
 * The seam every LLM backend sits behind (embedded llama.cpp, OpenAI-compatible servers,
 * retrieval-only). A backend turns chat messages into a stream of typed parts; safety, audit and
 * metrics wrap this one interface, never a vendor SDK.
 */
export type ChatRole = 'system' | 'user' | 'assistant';

export interface ChatMessage {
  role: ChatRole;
  content: string;
}

export interface Usage {
  inputTokens?: number;
  outputTokens?: number;
}

export type FinishReason = 'stop' | 'length' | 'abort' | 'error' | 'other';

export type LanguageModelStreamPart =
  | { type: 'text-delta'; text: string }
  | { type: 'finish'; finishReason: FinishReason; usage: Usage }
  | { type: 'error'; error: unknown };

export interface GenerateParams {
  messages: ChatMessage[];
  maxTokens?: number;
  temperature?: number;
  topP?: number;
  stop?: string[];
  /** JSON schema the output must satisfy (structured output for the dialogue layer). */
  jsonSchema?: Record<string, unknown>;
  signal?: AbortSignal;
}

export interface LanguageModel {
  /** e.g. `embedded:kefu-tiny`, `openai:llama-3-8b`, `none`. */
  readonly id: string;
  /** Resolves when the backend can serve (model loaded, server reachable). */
  ready(): Promise<void>;
  doStream(params: GenerateParams): AsyncIterable<LanguageModelStreamPart>;
  close(): Promise<void>;
}
