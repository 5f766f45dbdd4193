import type { LanguageModelStreamPart } from '../../contracts/language-model.ts';
import { LLMProviderError } from '../llm-provider-error.ts';
import { failed, interrupted } from './attempt-failure.ts';
import { DONE, interruption, type AttemptResult, type AttemptState } from './attempt-state.ts';
import type { RouterContext } from './router-context.ts';

export const STOPPED = Symbol('stopped');

/**
 * Passes the backend's parts on until its stream ends or `stopped` resolves; the first text
 * clears `firstTokenTimer`.
 */
export async function* relayParts(
  ctx: RouterContext,
  state: AttemptState,
  iterator: AsyncIterator<LanguageModelStreamPart>,
  stopped: Promise<typeof STOPPED>,
  firstTokenTimer: NodeJS.Timeout | undefined,
): AsyncGenerator<LanguageModelStreamPart, AttemptResult, undefined> {
  const { slot } = state;
  for (;;) {
    const pending = iterator.next();
    pending.catch(() => {}); // settled later, after a stop: never an unhandled rejection
    const r = await Promise.race([pending, stopped]);
    if (r === STOPPED) {
      // A backend that ignores its signal must not hold the request past the deadline.
      return yield* interrupted(ctx, state, interruption(state) ?? 'caller');
    }
    if (r.done) {
      state.iterator = undefined;
      if (state.delivered) {
        state.outcome = 'success';
        slot.breaker.success();
        yield { type: 'finish', finishReason: 'other', usage: {} };
        return DONE;
      }
      return yield* failed(ctx, state, new LLMProviderError('llm_bad_response', `${slot.backend.id}: stream ended without an answer`, { retryable: true }));
    }
    const part = r.value;
    if (part.type === 'text-delta') {
      if (!state.delivered) {
        state.delivered = true;
        clearTimeout(firstTokenTimer);
        state.firstTokenMs = ctx.now() - state.t0;
      }
      yield part;
    } else if (part.type === 'finish') {
      if (part.finishReason === 'abort') {
        const kind = interruption(state);
        if (kind !== undefined) return yield* interrupted(ctx, state, kind);
      }
      state.outcome = part.finishReason === 'abort' ? 'aborted' : 'success';
      if (state.outcome === 'success') slot.breaker.success();
      yield part;
      return DONE;
    } else {
      return yield* failed(ctx, state, part.error);
    }
  }
}
