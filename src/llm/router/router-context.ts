import { isKefuError } from '../../errors.ts';
import { LLMProviderError } from '../llm-provider-error.ts';
import type { CircuitBreaker } from './circuit-breaker.ts';
import type { RouterBackend, RouterEvent } from './create-llm-router.ts';

/** One backend with what the router keeps about it. */
export interface Slot {
  backend: RouterBackend;
  weight: number;
  breaker: CircuitBreaker;
  outstanding: number;
  healthy: boolean | null;
  lastError: string | null;
}

/** What a router's requests and health checks share: its backends, clock, events and settings. */
export interface RouterContext {
  readonly slots: readonly Slot[];
  readonly now: () => number;
  readonly emit: (event: RouterEvent) => void;
  readonly deadlineMs: number | undefined;
  readonly firstTokenTimeoutMs: number | undefined;
  /** Round-robin start for ties. */
  next: number;
  closed: boolean;
}

export function describe(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}

/** Errors not from Kefu (a thrown TypeError, a bare string) are taken as the backend's fault. */
export const isRetryable = (e: unknown): boolean => (isKefuError(e) ? e.retryable : true);

export const deadlineError = (deadlineMs: number | undefined): LLMProviderError =>
  new LLMProviderError('llm_deadline', `no complete answer within the ${deadlineMs} ms budget`, { status: 504, retryable: false });
