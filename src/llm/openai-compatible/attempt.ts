import type { LanguageModelStreamPart } from '../../contracts/language-model.ts';
import { postStream, type ModelResponse } from '../post-stream.ts';
import { newAttemptState, type AttemptOutcome, type StopCause } from './attempt-state.ts';
import type { ProviderRuntime, ProviderSettings } from './provider-settings.ts';
import { readEventStream } from './read-event-stream.ts';
import { rejectedResponse } from './rejected-response.ts';
import { settleFailure } from './settle-failure.ts';
import { singleCompletion } from './single-completion.ts';

/**
 * One request to one base URL. It settles (the caller has its answer, an error part or `abort`) or
 * asks for a retry; it is stopped by the caller's signal, the overall deadline, the first-token
 * timer or `close()`, whichever comes first.
 */
export async function* attempt(
  settings: ProviderSettings,
  runtime: ProviderRuntime,
  url: string,
  body: string,
  signal: AbortSignal | undefined,
  deadline: number,
): AsyncGenerator<LanguageModelStreamPart, AttemptOutcome, undefined> {
  const ctrl = new AbortController();
  const state = newAttemptState(url);
  const stop = (c: StopCause): void => {
    if (state.cause !== undefined) return;
    state.cause = c;
    ctrl.abort();
  };
  const onAbort = (): void => stop('abort');
  signal?.addEventListener('abort', onAbort, { once: true });
  runtime.active.add(stop);
  const overallTimer = setTimeout(() => stop('timeout'), Math.max(0, deadline - Date.now()));
  const firstTokenTimer = setTimeout(() => stop('first-token-timeout'), settings.firstTokenTimeoutMs);
  if (signal?.aborted) stop('abort');
  if (runtime.closed) stop('closed');

  let response: ModelResponse | undefined;
  try {
    const res = await postStream(`${url}/chat/completions`, settings.headers, body, ctrl.signal);
    response = res;
    const status = res.status;
    if (status < 200 || status >= 300) return yield* rejectedResponse(res, status, state);
    if ((res.header('content-type') ?? '').includes('application/json')) return yield* singleCompletion(res, state);
    return yield* readEventStream(res, state, firstTokenTimer);
  } catch (e) {
    return yield* settleFailure(e, state, settings);
  } finally {
    clearTimeout(overallTimer);
    clearTimeout(firstTokenTimer);
    signal?.removeEventListener('abort', onAbort);
    runtime.active.delete(stop);
    // Closes the upstream connection if the caller stopped reading early; a finished response
    // leaves its socket to the pool for the next request.
    if (response?.complete !== true) ctrl.abort();
  }
}
