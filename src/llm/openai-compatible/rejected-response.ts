import type { LanguageModelStreamPart } from '../../contracts/language-model.ts';
import { readText, type ModelResponse } from '../post-stream.ts';
import { attemptError, SETTLED, type AttemptOutcome, type AttemptState } from './attempt-state.ts';

const CONTEXT_OVERFLOW = /context (?:length|size|window)|exceed_context|max_new_tokens. must be <=|too many tokens/i;

const isRetryableStatus = (s: number): boolean => s === 408 || s === 429 || s >= 500;

function retryAfterMs(h: string | undefined): number {
  if (h === undefined) return 0;
  const seconds = Number(h);
  if (Number.isFinite(seconds)) return Math.max(0, seconds * 1000);
  const date = Date.parse(h);
  return Number.isNaN(date) ? 0 : Math.max(0, date - Date.now());
}

/** A non-2xx answer: retried when the server may do better later, else the request's own error. */
export async function* rejectedResponse(
  res: ModelResponse,
  status: number,
  state: AttemptState,
): AsyncGenerator<LanguageModelStreamPart, AttemptOutcome, undefined> {
  const detail = (await readText(res)).slice(0, 500);
  if (isRetryableStatus(status))
    return {
      kind: 'retry',
      error: attemptError(state, 'llm_unavailable', `HTTP ${status} ${detail}`, { retryable: true, upstreamStatus: status }),
      retryAfterMs: retryAfterMs(res.header('retry-after')),
    };
  // vLLM ("maximum context length is"), llama-server (exceed_context_size_error) and TGI
  // ("tokens + `max_new_tokens` must be <=") reject a prompt too long in their own words.
  const overflow = status === 400 && CONTEXT_OVERFLOW.test(detail);
  yield {
    type: 'error',
    error: attemptError(state, overflow ? 'llm_context_overflow' : 'llm_bad_request', `HTTP ${status} ${detail}`, {
      upstreamStatus: status,
    }),
  };
  return SETTLED;
}
