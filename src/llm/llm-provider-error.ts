import { KefuError } from '../errors.ts';

export interface LLMProviderErrorOptions {
  status?: number;
  retryable?: boolean;
  cause?: unknown;
  /** Base URL of the upstream server the error came from, when there is one. */
  url?: string | undefined;
  /** HTTP status the upstream server answered with, when it answered. */
  upstreamStatus?: number | undefined;
}

/**
 * A failure of an LLM backend. `retryable` says whether another attempt (another URL, another
 * provider behind a router) can help; `upstreamStatus` and `url` say which server said what.
 */
export class LLMProviderError extends KefuError {
  readonly url: string | undefined;
  readonly upstreamStatus: number | undefined;

  constructor(code: string, message: string, options: LLMProviderErrorOptions = {}) {
    super(code, message, options);
    this.name = 'LLMProviderError';
    this.url = options.url;
    this.upstreamStatus = options.upstreamStatus;
  }
}
