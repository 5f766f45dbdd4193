import { abortableSleep as sleep } from '../../abortable-sleep.ts';
import type { GenerateParams, LanguageModelStreamPart } from '../../contracts/language-model.ts';
import { LLMProviderError } from '../llm-provider-error.ts';
import { attempt } from './attempt.ts';
import type { ProviderRuntime, ProviderSettings } from './provider-settings.ts';
import { requestBody } from './request-body.ts';

/**
 * One request, with retries round the base URLs until an attempt settles, the caller aborts, the
 * deadline passes or `maxRetries` is spent; a pause with backoff before each new round.
 */
export async function* streamChat(
  settings: ProviderSettings,
  runtime: ProviderRuntime,
  params: GenerateParams,
): AsyncGenerator<LanguageModelStreamPart, void, undefined> {
  const { urls, maxRetries, retryDelayMs } = settings;
  const { signal } = params;
  const deadline = Date.now() + settings.timeoutMs;
  const body = JSON.stringify(requestBody(params, runtime.model));
  const failures: LLMProviderError[] = [];
  let retryAfter = 0;
  for (let i = 0; i <= maxRetries; i++) {
    if (i > 0 && i % urls.length === 0) {
      const backoff = retryDelayMs * 2 ** (i / urls.length - 1);
      const wait = Math.min(Math.max(backoff, retryAfter), 2000, Math.max(0, deadline - Date.now()));
      if (!(await sleep(wait, signal))) break;
    }
    if (signal?.aborted || Date.now() >= deadline) break;
    const outcome = yield* attempt(settings, runtime, urls[i % urls.length]!, body, signal, deadline);
    if (outcome.kind === 'settled') return;
    failures.push(outcome.error);
    retryAfter = outcome.retryAfterMs;
  }
  if (signal?.aborted) {
    yield { type: 'finish', finishReason: 'abort', usage: {} };
    return;
  }
  const last = failures.at(-1);
  const outOfTime = Date.now() >= deadline;
  yield {
    type: 'error',
    error: new LLMProviderError(
      outOfTime ? 'llm_timeout' : 'llm_unavailable',
      `no answer from ${urls.join(', ')} after ${failures.length} attempt(s): ` +
        failures.map((f) => f.message).join('; '),
      { status: 503, retryable: true, cause: last, url: last?.url, upstreamStatus: last?.upstreamStatus },
    ),
  };
}
