import type { GenerateParams, LanguageModelStreamPart } from '../../contracts/language-model.ts';
import { failed } from './attempt-failure.ts';
import { newAttemptState, type AttemptResult } from './attempt-state.ts';
import { relayParts, STOPPED } from './relay-parts.ts';
import type { RouterContext, Slot } from './router-context.ts';

/**
 * One request on one backend: it holds a place in the backend's breaker and load count, and
 * reports a `request` event when it ends, however it ends.
 */
export async function* attempt(
  ctx: RouterContext,
  slot: Slot,
  params: GenerateParams,
  deadline: AbortSignal,
  deadlinePassed: () => boolean,
): AsyncGenerator<LanguageModelStreamPart, AttemptResult, undefined> {
  const { now, firstTokenTimeoutMs } = ctx;
  const state = newAttemptState(slot, params, deadlinePassed, now());
  const ctrl = new AbortController();
  const signal = AbortSignal.any(params.signal ? [params.signal, deadline, ctrl.signal] : [deadline, ctrl.signal]);
  const stopped = new Promise<typeof STOPPED>((resolve) => {
    if (signal.aborted) resolve(STOPPED);
    else signal.addEventListener('abort', () => resolve(STOPPED), { once: true });
  });
  const release = slot.breaker.acquire();
  slot.outstanding++;
  const firstTokenTimer =
    firstTokenTimeoutMs === undefined
      ? undefined
      : setTimeout(() => {
          state.firstTokenTimedOut = true;
          ctrl.abort();
        }, firstTokenTimeoutMs);

  try {
    state.iterator = slot.backend.model.doStream(Object.assign({}, params, { signal }))[Symbol.asyncIterator]();
    return yield* relayParts(ctx, state, state.iterator, stopped, firstTokenTimer);
  } catch (e) {
    return yield* failed(ctx, state, e);
  } finally {
    clearTimeout(firstTokenTimer);
    ctrl.abort(); // closes the upstream request when the caller stopped reading early
    if (state.iterator !== undefined) void state.iterator.return?.()?.catch(() => {});
    slot.outstanding--;
    release();
    const { outcome, error, firstTokenMs } = state;
    ctx.emit({ type: 'request', backend: slot.backend.id, outcome, durationMs: now() - state.t0, firstTokenMs, ...(error === undefined ? {} : { error }) });
  }
}
