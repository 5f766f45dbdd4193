/**
 * One error type for the whole system. Fields decide behaviour: `status` maps to HTTP at the
 * edge, `retryable` tells callers (LLM failover, queue) whether trying again can help.
 */
export class KefuError extends Error {
  readonly code: string;
  readonly status: number;
  readonly retryable: boolean;

  constructor(
    code: string,
    message: string,
    options: { status?: number; retryable?: boolean; cause?: unknown } = {},
  ) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'KefuError';
    this.code = code;
    this.status = options.status ?? 500;
    this.retryable = options.retryable ?? false;
  }
}

export const badRequest = (code: string, message: string): KefuError =>
  new KefuError(code, message, { status: 400 });

export const notFound = (code: string, message: string): KefuError =>
  new KefuError(code, message, { status: 404 });

export function isKefuError(e: unknown): e is KefuError {
  return e instanceof KefuError;
}
