import type { LanguageModel } from '../contracts/language-model.ts';
import { checkReady } from './openai-compatible/check-ready.ts';
import { resolveSettings, type ProviderRuntime } from './openai-compatible/provider-settings.ts';
import { streamChat } from './openai-compatible/stream-chat.ts';

export interface OpenAICompatibleProviderOptions {
  /**
   * Base URLs as the OpenAI SDK takes them (`http://127.0.0.1:8000/v1`). The first is primary; the
   * others are tried in order when a request fails before its first token.
   */
  baseURLs: readonly string[];
  /** Model name sent to the server. Unset: the first id `ready()` finds under `/models`, else none. */
  model?: string;
  apiKey?: string;
  /** For `ready()` (GET /models) only: completions stream over undici (src/llm/post-stream.ts). */
  fetch?: typeof globalThis.fetch;
  /** Whole request, retries included (default 120 000 ms). */
  timeoutMs?: number;
  /** Per attempt, from sending the request to the first answer text (default 30 000 ms). */
  firstTokenTimeoutMs?: number;
  /** Further attempts before the first token, across all URLs (default: every URL once, at least 2). */
  maxRetries?: number;
  /** Pause before going round the URLs again; doubles each round, at most 2 s (default 250 ms). */
  retryDelayMs?: number;
  headers?: Readonly<Record<string, string>>;
}

/**
 * A LanguageModel over any OpenAI-compatible `/chat/completions` stream: vLLM, llama.cpp server,
 * Ollama (`/v1`), TGI. Failures before the first token are retried and fail over to the next base
 * URL; after it, a broken stream ends with an `error` part (`llm_stream_interrupted`), since the
 * caller has already shown text. Aborting `params.signal` cancels the upstream request and ends
 * with `finish` (`abort`).
 */
export function createOpenAICompatibleProvider(options: OpenAICompatibleProviderOptions): LanguageModel {
  const settings = resolveSettings(options);
  const runtime: ProviderRuntime = { model: options.model, closed: false, active: new Set() };
  return {
    get id() {
      return `openai:${runtime.model ?? 'default'}`;
    },
    ready: () => checkReady(settings, runtime),
    doStream: (params) => streamChat(settings, runtime, params),
    async close() {
      runtime.closed = true;
      for (const stop of [...runtime.active]) stop('closed');
    },
  };
}
