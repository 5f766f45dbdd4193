import type { z } from 'zod';
import { abortableSleep as sleep } from '../abortable-sleep.ts';
import type { OrderConnector } from '../contracts/order-connector.ts';
import { OrderError, throwIfAborted } from './order-error.ts';
import {
  addressRequestSchema,
  errorBodySchema,
  idempotencyKeySchema,
  orderListSchema,
  orderSchema,
  parseArgument,
  returnReceiptSchema,
  returnRequestSchema,
  userIdSchema,
} from './order-schemas.ts';

export interface HttpOrderConnectorOptions {
  /** Where the order system's `/orders` lives, e.g. `https://erp.example.com/api` (`KEFU_ORDERS_URL`). */
  baseUrl: string;
  /** Per attempt, from sending the request to the end of the answer (default 3000 ms). */
  timeoutMs?: number;
  /** Further attempts after a network error, a timeout, 408, 429 or 5xx (default 2). */
  retries?: number;
  /** Pause before the first retry; doubles after each (default 100 ms). */
  retryDelayMs?: number;
  /** Sent with every request, e.g. `{ authorization: 'Bearer …' }`. */
  headers?: Readonly<Record<string, string>>;
  fetch?: typeof globalThis.fetch;
}

interface Call {
  method: 'GET' | 'POST';
  path: string;
  body?: unknown;
  idempotencyKey?: string;
  signal: AbortSignal | undefined;
}

/** An answer that decides the call: a status and the text of its body. */
interface Answer {
  status: number;
  text: string;
}

const isRetryableStatus = (s: number): boolean => s === 408 || s === 429 || s >= 500;

/**
 * The order system over HTTP (ARCHITECTURE.md, "Order system connector"). Every request, writes
 * included, is retried on network errors, timeouts, 408, 429 and 5xx: writes carry an
 * `Idempotency-Key` that stays the same across attempts, so the order system applies them once.
 * Failures map to `OrderError`: 404 on a read is `null`, on a write `order_not_found`; 409 is
 * `order_not_eligible` with the system's message; an answer that breaks the contract is
 * `order_system_bad_response`; anything else `order_system_unavailable` (retryable unless the
 * system refused the request itself with another 4xx, e.g. 401).
 */
export function createHttpOrderConnector(options: HttpOrderConnectorOptions): OrderConnector {
  const base = options.baseUrl.trim().replace(/\/+$/, '');
  if (!/^https?:\/\//i.test(base))
    throw new OrderError('invalid_request', `The order system URL must start with http:// or https://, got "${options.baseUrl}"`);
  const send = createSender(base, options);
  const orderPath = (orderId: string): string => `/orders/${encodeURIComponent(orderId)}`;

  /** Sends `call`; any answer but a 2xx is a failure. */
  async function expectOk(call: Call): Promise<Answer> {
    const answer = await send(call);
    if (answer.status < 200 || answer.status > 299) fail(base, call, answer);
    return answer;
  }

  return {
    async getOrder(orderId, callOptions) {
      const call: Call = { method: 'GET', path: orderPath(orderId), signal: callOptions?.signal };
      const answer = await send(call);
      if (answer.status === 404) return null;
      if (answer.status < 200 || answer.status > 299) fail(base, call, answer);
      return parse(base, orderSchema, answer, call);
    },

    async listOrders(userId, callOptions) {
      const id = parseArgument(userIdSchema, userId, 'user id');
      const call: Call = { method: 'GET', path: `/orders?user_id=${encodeURIComponent(id)}`, signal: callOptions?.signal };
      return parse(base, orderListSchema, await expectOk(call), call).orders;
    },

    async createReturn(orderId, request, idempotencyKey, callOptions) {
      const { type, reason, items } = parseArgument(returnRequestSchema, request, 'return request');
      const call: Call = {
        method: 'POST',
        path: `${orderPath(orderId)}/returns`,
        body: items === undefined ? { type, reason } : { type, reason, items },
        idempotencyKey: parseArgument(idempotencyKeySchema, idempotencyKey, 'idempotency key'),
        signal: callOptions?.signal,
      };
      return parse(base, returnReceiptSchema, await expectOk(call), call);
    },

    async changeAddress(orderId, change, idempotencyKey, callOptions) {
      await expectOk({
        method: 'POST',
        path: `${orderPath(orderId)}/address`,
        // Only the fields given: an order system that predates the recipient fields sees `{address}`.
        body: parseArgument(addressRequestSchema, typeof change === 'string' ? { address: change } : change, 'address change'),
        idempotencyKey: parseArgument(idempotencyKeySchema, idempotencyKey, 'idempotency key'),
        signal: callOptions?.signal,
      });
    },

    async cancelOrder(orderId, idempotencyKey, callOptions) {
      await expectOk({
        method: 'POST',
        path: `${orderPath(orderId)}/cancel`,
        idempotencyKey: parseArgument(idempotencyKeySchema, idempotencyKey, 'idempotency key'),
        signal: callOptions?.signal,
      });
    },
  };
}

/** Sends a call with retries: until it gets an answer that is not worth retrying, or attempts run out. */
function createSender(base: string, options: HttpOrderConnectorOptions): (call: Call) => Promise<Answer> {
  const doFetch = options.fetch ?? globalThis.fetch;
  const timeoutMs = options.timeoutMs ?? 3000;
  const retries = options.retries ?? 2;
  const retryDelayMs = options.retryDelayMs ?? 100;

  async function attempt(call: Call): Promise<Answer> {
    const headers: Record<string, string> = { accept: 'application/json', ...options.headers };
    if (call.body !== undefined) headers['content-type'] = 'application/json';
    if (call.idempotencyKey !== undefined) headers['idempotency-key'] = call.idempotencyKey;
    const timeout = AbortSignal.timeout(timeoutMs);
    const signal = call.signal ? AbortSignal.any([call.signal, timeout]) : timeout;
    const init: RequestInit = { method: call.method, headers, signal };
    if (call.body !== undefined) init.body = JSON.stringify(call.body);
    const res = await doFetch(`${base}${call.path}`, init);
    return { status: res.status, text: await res.text() };
  }

  /** Sends `call` until it gets an answer that is not worth retrying, or attempts run out. */
  async function send(call: Call): Promise<Answer> {
    let failure = '';
    let cause: unknown;
    let upstreamStatus: number | undefined;
    for (let n = 0; n <= retries; n++) {
      if (n > 0 && !(await sleep(retryDelayMs * 2 ** (n - 1), call.signal))) break;
      throwIfAborted(call.signal);
      try {
        const answer = await attempt(call);
        if (!isRetryableStatus(answer.status)) return answer;
        failure = `HTTP ${answer.status}`;
        upstreamStatus = answer.status;
        cause = new Error(`${call.method} ${base}${call.path}: HTTP ${answer.status} ${answer.text.slice(0, 200)}`);
      } catch (e) {
        throwIfAborted(call.signal);
        const timedOut = e instanceof Error && (e.name === 'TimeoutError' || e.name === 'AbortError');
        failure = timedOut ? `no answer within ${timeoutMs} ms` : 'connection failed';
        upstreamStatus = undefined;
        cause = new Error(`${call.method} ${base}${call.path}: ${describe(e)}`, { cause: e });
      }
    }
    throwIfAborted(call.signal);
    throw new OrderError('order_system_unavailable', `The order system is unavailable (${failure}, ${retries + 1} attempts)`, {
      upstreamStatus,
      cause,
    });
  }

  return send;
}

function parse<S extends z.ZodType>(base: string, schema: S, answer: Answer, call: Call): z.output<S> {
  let json: unknown;
  try {
    json = JSON.parse(answer.text);
  } catch (e) {
    throw badResponse(base, call, answer, 'is not JSON', e);
  }
  const result = schema.safeParse(json);
  if (!result.success) {
    const issue = result.error.issues[0];
    const where = issue && issue.path.length > 0 ? ` at ${issue.path.join('.')}` : '';
    throw badResponse(base, call, answer, `does not follow the contract${where}: ${issue?.message ?? ''}`, result.error);
  }
  return result.data;
}

/** Maps a final non-2xx answer (a read's 404 is handled by its caller). */
function fail(base: string, call: Call, answer: Answer): never {
  const detail = errorDetail(answer.text);
  if (answer.status === 404 && call.method === 'POST')
    throw new OrderError('order_not_found', detail.message ?? 'The order does not exist', { upstreamStatus: 404 });
  if (answer.status === 409)
    throw new OrderError('order_not_eligible', detail.message ?? 'The order system refused the request', {
      reason: detail.reason,
      upstreamStatus: 409,
    });
  if (answer.status === 422 && detail.code === 'idempotency_key_reused')
    throw new OrderError('idempotency_key_reused', detail.message ?? 'Idempotency key reused for a different request', {
      upstreamStatus: 422,
    });
  if (answer.status === 404) throw badResponse(base, call, answer, `is 404 for ${call.path.split('?')[0] ?? call.path}; check the order system URL`);
  throw new OrderError('order_system_unavailable', `The order system refused the request (HTTP ${answer.status})`, {
    retryable: false,
    upstreamStatus: answer.status,
    cause: new Error(`${call.method} ${base}${call.path}: HTTP ${answer.status} ${answer.text.slice(0, 200)}`),
  });
}

function badResponse(base: string, call: Call, answer: Answer, what: string, cause?: unknown): OrderError {
  return new OrderError('order_system_bad_response', `The order system's answer ${what}`, {
    upstreamStatus: answer.status,
    cause: new Error(`${call.method} ${base}${call.path}: HTTP ${answer.status} ${answer.text.slice(0, 200)}`, { cause }),
  });
}

function errorDetail(text: string): { code?: string; message?: string; reason?: string } {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    return {};
  }
  const parsed = errorBodySchema.safeParse(json);
  if (!parsed.success) return {};
  const { error } = parsed.data;
  if (typeof error === 'string') return error === '' ? {} : { message: error };
  const detail: { code?: string; message?: string; reason?: string } = {};
  if (error.code !== undefined) detail.code = error.code;
  if (error.message !== undefined && error.message !== '') detail.message = error.message;
  if (error.reason !== undefined) detail.reason = error.reason;
  return detail;
}

function describe(e: unknown): string {
  if (!(e instanceof Error)) return String(e);
  const code = e.cause instanceof Error && 'code' in e.cause ? ` (${String(e.cause.code)})` : '';
  return `${e.name}: ${e.message}${code}`;
}
