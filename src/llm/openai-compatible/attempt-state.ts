import type { Usage } from '../../contracts/language-model.ts';
import { LLMProviderError } from '../llm-provider-error.ts';

export type StopCause = 'abort' | 'closed' | 'timeout' | 'first-token-timeout';
export type AttemptOutcome = { kind: 'settled' } | { kind: 'retry'; error: LLMProviderError; retryAfterMs: number };
export const SETTLED: AttemptOutcome = { kind: 'settled' };

/**
 * What one attempt on one URL has seen so far, shared by the steps that read its response and the
 * one that settles its failure. `cause` is set once, by whatever stopped the attempt first.
 */
export interface AttemptState {
  readonly url: string;
  cause: StopCause | undefined;
  /** Answer text has reached the caller: no retry any more. */
  delivered: boolean;
  usage: Usage;
  finishReason: string | undefined;
  sawDone: boolean;
}

export function newAttemptState(url: string): AttemptState {
  return { url, cause: undefined, delivered: false, usage: {}, finishReason: undefined, sawDone: false };
}

export function attemptError(
  state: AttemptState,
  code: string,
  message: string,
  extra: { retryable?: boolean; cause?: unknown; upstreamStatus?: number } = {},
): LLMProviderError {
  return new LLMProviderError(code, `${state.url}: ${message}`, { status: 502, url: state.url, ...extra });
}
