import type { LanguageModel, LanguageModelStreamPart } from '../contracts/language-model.ts';
import { LLMProviderError } from './llm-provider-error.ts';

/** The error code a call ends with when the model has not started answering within its budget. */
export const LATENCY_BUDGET_CODE = 'llm_latency_budget';

/**
 * A model with a latency budget (`KEFU_LLM_LATENCY_BUDGET_MS`): a call that has produced no text
 * within `firstTextMs` is abandoned (its request aborted, so a queued or slow backend stops
 * working on it) and ends with a retryable `llm_latency_budget` error part. The pipeline then
 * answers the way it does when the model is down (docs/llm-router.md, Degradation), so a customer
 * waits at most the budget for a model that is overloaded or hung. Once text flows the budget no
 * longer applies: `maxTokens` bounds the rest.
 */
export function withLatencyBudget<M extends LanguageModel>(model: M, firstTextMs: number): M {
  const doStream: LanguageModel['doStream'] = (params) => budgeted(model, params, firstTextMs);
  // A proxy rather than a new object: what a backend offers beyond the contract (the router's
  // status() for its metrics) stays reachable.
  return new Proxy(model, {
    get(target, prop) {
      if (prop === 'doStream') return doStream;
      const value: unknown = Reflect.get(target, prop, target);
      return typeof value === 'function' ? value.bind(target) : value;
    },
  });
}

async function* budgeted(model: LanguageModel, params: Parameters<LanguageModel['doStream']>[0], firstTextMs: number): AsyncGenerator<LanguageModelStreamPart> {
  const stop = new AbortController();
  // A listener, not AbortSignal.any: one per call is cheaper and is removed when the call ends.
  const outer = params.signal;
  const forward = (): void => stop.abort(outer?.reason);
  if (outer?.aborted === true) forward();
  else outer?.addEventListener('abort', forward, { once: true });
  const parts = model.doStream(Object.assign({}, params, { signal: stop.signal }))[Symbol.asyncIterator]();
  let timer: NodeJS.Timeout | undefined;
  const spent = new Promise<'spent'>((resolve) => {
    timer = setTimeout(() => resolve('spent'), firstTextMs);
  });
  let waiting = true;
  let done = false;
  // A finish or error part ends the call: the backend has stopped, nothing to abort.
  let ended = false;
  try {
    for (;;) {
      const next = waiting ? await Promise.race([parts.next(), spent]) : await parts.next();
      if (next === 'spent') {
        yield { type: 'error', error: new LLMProviderError(LATENCY_BUDGET_CODE, `no text within the ${firstTextMs} ms latency budget`, { status: 504, retryable: true }) };
        return;
      }
      if (next.done === true) {
        done = true;
        return;
      }
      if (waiting && next.value.type === 'text-delta') {
        waiting = false;
        clearTimeout(timer);
      }
      if (next.value.type !== 'text-delta') ended = true;
      yield next.value;
    }
  } finally {
    clearTimeout(timer);
    outer?.removeEventListener('abort', forward);
    if (!done) {
      // Over budget, or the caller stopped reading: the backend stops too. The pending read settles
      // once the abort reaches the backend; nobody waits for it. After its last part the backend
      // is only asked to clean up.
      if (!ended) stop.abort();
      void parts.return?.(undefined).catch(() => undefined);
    }
  }
}
