import type { GenerateParams, LanguageModelStreamPart } from '../../contracts/language-model.ts';
import type { RequestOutcome } from './create-llm-router.ts';
import { describe, type Slot } from './router-context.ts';

export type AttemptResult = { kind: 'done' } | { kind: 'failed'; message: string };
export const DONE: AttemptResult = { kind: 'done' };

/** What one attempt on one backend has seen so far, shared by the steps that relay and settle it. */
export interface AttemptState {
  readonly slot: Slot;
  readonly params: GenerateParams;
  readonly deadlinePassed: () => boolean;
  readonly t0: number;
  firstTokenTimedOut: boolean;
  /** Text has reached the caller: no failover any more. */
  delivered: boolean;
  firstTokenMs: number | undefined;
  /** Stays `aborted` when the caller stops reading early. */
  outcome: RequestOutcome;
  error: unknown;
  /** The backend's stream while it may still need closing. */
  iterator: AsyncIterator<LanguageModelStreamPart> | undefined;
}

export function newAttemptState(slot: Slot, params: GenerateParams, deadlinePassed: () => boolean, t0: number): AttemptState {
  return {
    slot,
    params,
    deadlinePassed,
    t0,
    firstTokenTimedOut: false,
    delivered: false,
    firstTokenMs: undefined,
    outcome: 'aborted',
    error: undefined,
    iterator: undefined,
  };
}

/** A failure of the backend: it counts against its breaker. */
export function fail(state: AttemptState, e: unknown): void {
  state.outcome = 'failure';
  state.error = e;
  state.slot.lastError = describe(e);
  state.slot.breaker.failure();
}

export type Interruption = 'caller' | 'deadline' | 'first-token';

/** Why the signal fired, if it did: the caller's abort wins, then the deadline, then the first-token timer. */
export function interruption(state: AttemptState): Interruption | undefined {
  if (state.params.signal?.aborted) return 'caller';
  if (state.deadlinePassed()) return 'deadline';
  return state.firstTokenTimedOut && !state.delivered ? 'first-token' : undefined;
}
