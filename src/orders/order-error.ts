import type { OrderConnectorErrorCode } from '../contracts/order-connector.ts';
import { KefuError } from '../errors.ts';

/**
 * Codes an order adapter rejects with: the contract's codes, plus two that only a caller bug
 * produces (a malformed request, or an idempotency key reused for a different request), which no
 * flow is expected to handle and which retrying never fixes.
 */
export type OrderErrorCode = OrderConnectorErrorCode | 'invalid_request' | 'idempotency_key_reused';

const STATUS: Record<OrderErrorCode, number> = {
  order_not_eligible: 409,
  order_not_found: 404,
  order_system_unavailable: 503,
  order_system_bad_response: 502,
  invalid_request: 400,
  idempotency_key_reused: 422,
};

export interface OrderErrorOptions {
  /** Why a write was refused, as a stable code (`already_shipped`, `return_window_expired`...). */
  reason?: string | undefined;
  /** Default: true for `order_system_unavailable`, false otherwise. */
  retryable?: boolean;
  /** HTTP status the order system answered with, when it answered. */
  upstreamStatus?: number | undefined;
  cause?: unknown;
}

/**
 * A failure of the order system or of a call to it. `code` and `status` follow the contract;
 * `reason` lets a flow word a refusal precisely without parsing `message`.
 */
export class OrderError extends KefuError {
  override readonly code: OrderErrorCode;
  readonly reason: string | undefined;
  readonly upstreamStatus: number | undefined;

  constructor(code: OrderErrorCode, message: string, options: OrderErrorOptions = {}) {
    super(code, message, {
      status: STATUS[code],
      retryable: options.retryable ?? code === 'order_system_unavailable',
      cause: options.cause,
    });
    this.name = 'OrderError';
    this.code = code;
    this.reason = options.reason;
    this.upstreamStatus = options.upstreamStatus;
  }
}

export function isOrderError(e: unknown): e is OrderError {
  return e instanceof OrderError;
}

/** A call whose caller gave up fails like an unreachable order system, never with an AbortError. */
export function throwIfAborted(signal: AbortSignal | undefined): void {
  if (signal?.aborted) throw new OrderError('order_system_unavailable', 'The order request was aborted', { cause: signal.reason });
}
