import type { LanguageModelStreamPart } from '../../contracts/language-model.ts';
import { LLMProviderError } from '../llm-provider-error.ts';
import { attemptError, SETTLED, type AttemptOutcome, type AttemptState } from './attempt-state.ts';
import { describe } from './describe-error.ts';
import type { ProviderSettings } from './provider-settings.ts';

/**
 * How an attempt that threw ends: the caller's abort and `close()` first; after the first token an
 * error part, since the caller has shown text; before it, a retry unless the error says otherwise.
 */
export async function* settleFailure(
  e: unknown,
  state: AttemptState,
  settings: Pick<ProviderSettings, 'timeoutMs' | 'firstTokenTimeoutMs'>,
): AsyncGenerator<LanguageModelStreamPart, AttemptOutcome, undefined> {
  const { cause } = state;
  const { timeoutMs, firstTokenTimeoutMs } = settings;
  if (cause === 'abort') {
    yield { type: 'finish', finishReason: 'abort', usage: state.usage };
    return SETTLED;
  }
  if (cause === 'closed') {
    yield { type: 'error', error: attemptError(state, 'llm_closed', 'provider closed', { retryable: true }) };
    return SETTLED;
  }
  if (state.delivered) {
    const err =
      cause === 'timeout'
        ? attemptError(state, 'llm_timeout', `no complete answer within ${timeoutMs} ms`, { cause: e })
        : attemptError(state, 'llm_stream_interrupted', `stream broke after the first token: ${describe(e)}`, { cause: e });
    yield { type: 'error', error: err };
    return SETTLED;
  }
  if (cause === 'timeout') {
    yield {
      type: 'error',
      error: attemptError(state, 'llm_timeout', `no answer within ${timeoutMs} ms`, { retryable: true, cause: e }),
    };
    return SETTLED;
  }
  if (cause === 'first-token-timeout')
    return {
      kind: 'retry',
      error: attemptError(state, 'llm_timeout', `no first token within ${firstTokenTimeoutMs} ms`, { retryable: true }),
      retryAfterMs: 0,
    };
  if (e instanceof LLMProviderError) {
    if (e.retryable) return { kind: 'retry', error: e, retryAfterMs: 0 };
    yield { type: 'error', error: e };
    return SETTLED;
  }
  // fetch rejects with a TypeError for refused/reset connections and DNS failures.
  return {
    kind: 'retry',
    error: attemptError(state, 'llm_unavailable', `connection failed: ${describe(e)}`, { retryable: true, cause: e }),
    retryAfterMs: 0,
  };
}
