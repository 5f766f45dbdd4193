import type { LanguageModelStreamPart } from '../../contracts/language-model.ts';
import { LLMProviderError } from '../llm-provider-error.ts';
import { DONE, fail, interruption, type AttemptResult, type AttemptState, type Interruption } from './attempt-state.ts';
import { deadlineError, describe, isRetryable, type RouterContext } from './router-context.ts';

type Settle = AsyncGenerator<LanguageModelStreamPart, AttemptResult, undefined>;

/** An attempt stopped by the caller, the deadline or the first-token timer. */
export async function* interrupted(ctx: RouterContext, state: AttemptState, kind: Interruption): Settle {
  const { slot } = state;
  if (kind === 'caller') {
    state.outcome = 'aborted';
    yield { type: 'finish', finishReason: 'abort', usage: {} };
    return DONE;
  }
  if (kind === 'deadline') {
    // Silent until the budget ran out counts against the backend; a long answer cut short does not.
    if (!state.delivered) slot.breaker.failure();
    state.outcome = 'deadline';
    state.error = deadlineError(ctx.deadlineMs);
    yield { type: 'error', error: state.error };
    return DONE;
  }
  fail(state, new LLMProviderError('llm_timeout', `${slot.backend.id}: no first token within ${ctx.firstTokenTimeoutMs} ms`, { retryable: true }));
  return { kind: 'failed', message: `${slot.backend.id}: no first token within ${ctx.firstTokenTimeoutMs} ms` };
}

/** An attempt whose backend threw or sent an error part. */
export async function* failed(ctx: RouterContext, state: AttemptState, e: unknown): Settle {
  const kind = interruption(state);
  if (kind !== undefined) return yield* interrupted(ctx, state, kind);
  // Before any text, a non-retryable error is the request's own fault (400, context overflow).
  if (!state.delivered && !isRetryable(e)) {
    state.outcome = 'rejected';
    state.error = e;
    yield { type: 'error', error: e };
    return DONE;
  }
  fail(state, e);
  if (!state.delivered) return { kind: 'failed', message: `${state.slot.backend.id}: ${describe(e)}` };
  yield { type: 'error', error: e };
  return DONE;
}
