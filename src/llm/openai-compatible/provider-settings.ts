import type { OpenAICompatibleProviderOptions } from '../openai-compatible-provider.ts';
import { LLMProviderError } from '../llm-provider-error.ts';
import type { StopCause } from './attempt-state.ts';

/** The options with their defaults applied. */
export interface ProviderSettings {
  readonly urls: readonly string[];
  readonly doFetch: typeof globalThis.fetch;
  readonly timeoutMs: number;
  readonly firstTokenTimeoutMs: number;
  readonly maxRetries: number;
  readonly retryDelayMs: number;
  readonly headers: Readonly<Record<string, string>>;
}

/** What changes over the provider's life: the model `ready()` found, `close()`, the attempts in flight. */
export interface ProviderRuntime {
  model: string | undefined;
  closed: boolean;
  readonly active: Set<(cause: StopCause) => void>;
}

export function resolveSettings(options: OpenAICompatibleProviderOptions): ProviderSettings {
  const urls = options.baseURLs.map((u) => u.trim().replace(/\/+$/, '')).filter((u) => u !== '');
  if (urls.length === 0)
    throw new LLMProviderError('llm_not_configured', 'createOpenAICompatibleProvider needs at least one base URL');
  const headers: Record<string, string> = {
    'content-type': 'application/json',
    accept: 'text/event-stream',
    ...options.headers,
  };
  if (options.apiKey) headers.authorization = `Bearer ${options.apiKey}`;
  return {
    urls,
    doFetch: options.fetch ?? globalThis.fetch,
    timeoutMs: options.timeoutMs ?? 120_000,
    firstTokenTimeoutMs: options.firstTokenTimeoutMs ?? 30_000,
    maxRetries: options.maxRetries ?? Math.max(2, urls.length - 1),
    retryDelayMs: options.retryDelayMs ?? 250,
    headers,
  };
}
