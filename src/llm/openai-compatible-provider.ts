import type {
  GenerateParams,
  LanguageModel,
  LanguageModelStreamPart,
  Usage,
} from '../contracts/language-model.ts';
import { LLMProviderError } from './llm-provider-error.ts';
import { mapFinishReason, parseChatCompletionChunk } from './openai-chunk.ts';
import type { IncomingMessage } from 'node:http';
import { postStream, readText } from './post-stream.ts';
import { SSELineParser, type SSEEvent } from './read-sse-events.ts';

export interface OpenAICompatibleProviderOptions {
  /**
   * Base URLs as the OpenAI SDK takes them (`http://127.0.0.1:8000/v1`). The first is primary; the
   * others are tried in order when a request fails before its first token.
   */
  baseURLs: readonly string[];
  /** Model name sent to the server. Unset: the first id `ready()` finds under `/models`, else none. */
  model?: string;
  apiKey?: string;
  /** For `ready()` (GET /models) only: completions stream over node:http(s), a chunk at a time. */
  fetch?: typeof globalThis.fetch;
  /** Whole request, retries included (default 120 000 ms). */
  timeoutMs?: number;
  /** Per attempt, from sending the request to the first answer text (default 30 000 ms). */
  firstTokenTimeoutMs?: number;
  /** Further attempts before the first token, across all URLs (default: every URL once, at least 2). */
  maxRetries?: number;
  /** Pause before going round the URLs again; doubles each round, at most 2 s (default 250 ms). */
  retryDelayMs?: number;
  headers?: Readonly<Record<string, string>>;
}

type StopCause = 'abort' | 'closed' | 'timeout' | 'first-token-timeout';
type AttemptOutcome = { kind: 'settled' } | { kind: 'retry'; error: LLMProviderError; retryAfterMs: number };
const SETTLED: AttemptOutcome = { kind: 'settled' };

const CONTEXT_OVERFLOW = /context (?:length|size|window)|exceed_context|max_new_tokens. must be <=|too many tokens/i;

const isRetryableStatus = (s: number): boolean => s === 408 || s === 429 || s >= 500;

function retryAfterMs(value: string | string[] | undefined): number {
  const h = Array.isArray(value) ? value[0] : value;
  if (h === undefined) return 0;
  const seconds = Number(h);
  if (Number.isFinite(seconds)) return Math.max(0, seconds * 1000);
  const date = Date.parse(h);
  return Number.isNaN(date) ? 0 : Math.max(0, date - Date.now());
}

function describe(e: unknown): string {
  if (!(e instanceof Error)) return String(e);
  const own = 'code' in e ? e : e.cause;
  const code = own instanceof Error && 'code' in own ? ` (${String(own.code)})` : '';
  return `${e.message}${code}`;
}

function sleep(ms: number, signal: AbortSignal | undefined): Promise<boolean> {
  return new Promise((resolve) => {
    if (signal?.aborted) return resolve(false);
    const onAbort = (): void => {
      clearTimeout(timer);
      resolve(false);
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve(true);
    }, ms);
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}

/**
 * A LanguageModel over any OpenAI-compatible `/chat/completions` stream: vLLM, llama.cpp server,
 * Ollama (`/v1`), TGI. Failures before the first token are retried and fail over to the next base
 * URL; after it, a broken stream ends with an `error` part (`llm_stream_interrupted`), since the
 * caller has already shown text. Aborting `params.signal` cancels the upstream request and ends
 * with `finish` (`abort`).
 */
export function createOpenAICompatibleProvider(options: OpenAICompatibleProviderOptions): LanguageModel {
  const urls = options.baseURLs.map((u) => u.trim().replace(/\/+$/, '')).filter((u) => u !== '');
  if (urls.length === 0)
    throw new LLMProviderError('llm_not_configured', 'createOpenAICompatibleProvider needs at least one base URL');
  const doFetch = options.fetch ?? globalThis.fetch;
  const timeoutMs = options.timeoutMs ?? 120_000;
  const firstTokenTimeoutMs = options.firstTokenTimeoutMs ?? 30_000;
  const maxRetries = options.maxRetries ?? Math.max(2, urls.length - 1);
  const retryDelayMs = options.retryDelayMs ?? 250;
  const headers: Record<string, string> = {
    'content-type': 'application/json',
    accept: 'text/event-stream',
    ...options.headers,
  };
  if (options.apiKey) headers.authorization = `Bearer ${options.apiKey}`;
  let model = options.model;
  let closed = false;
  const active = new Set<(cause: StopCause) => void>();

  function requestBody(params: GenerateParams): Record<string, unknown> {
    const body: Record<string, unknown> = {
      messages: params.messages.map((m) => ({ role: m.role, content: m.content })),
      stream: true,
      stream_options: { include_usage: true },
    };
    if (model !== undefined) body.model = model;
    if (params.maxTokens !== undefined) body.max_tokens = params.maxTokens;
    if (params.temperature !== undefined) body.temperature = params.temperature;
    if (params.topP !== undefined) body.top_p = params.topP;
    if (params.stop !== undefined && params.stop.length > 0) body.stop = params.stop;
    if (params.jsonSchema !== undefined)
      body.response_format = { type: 'json_schema', json_schema: { name: 'reply', schema: params.jsonSchema } };
    return body;
  }

  async function* attempt(
    url: string,
    body: string,
    signal: AbortSignal | undefined,
    deadline: number,
  ): AsyncGenerator<LanguageModelStreamPart, AttemptOutcome, undefined> {
    const ctrl = new AbortController();
    let cause: StopCause | undefined;
    const stop = (c: StopCause): void => {
      if (cause !== undefined) return;
      cause = c;
      ctrl.abort();
    };
    const onAbort = (): void => stop('abort');
    signal?.addEventListener('abort', onAbort, { once: true });
    active.add(stop);
    const overallTimer = setTimeout(() => stop('timeout'), Math.max(0, deadline - Date.now()));
    const firstTokenTimer = setTimeout(() => stop('first-token-timeout'), firstTokenTimeoutMs);
    if (signal?.aborted) stop('abort');
    if (closed) stop('closed');

    let delivered = false;
    let usage: Usage = {};
    let finishReason: string | undefined;
    let sawDone = false;
    const error = (code: string, message: string, extra: { retryable?: boolean; cause?: unknown; upstreamStatus?: number } = {}) =>
      new LLMProviderError(code, `${url}: ${message}`, { status: 502, url, ...extra });

    let response: IncomingMessage | undefined;
    try {
      const res = await postStream(`${url}/chat/completions`, headers, body, ctrl.signal);
      response = res;
      const status = res.statusCode ?? 0;
      if (status < 200 || status >= 300) {
        const detail = (await readText(res)).slice(0, 500);
        if (isRetryableStatus(status))
          return {
            kind: 'retry',
            error: error('llm_unavailable', `HTTP ${status} ${detail}`, { retryable: true, upstreamStatus: status }),
            retryAfterMs: retryAfterMs(res.headers['retry-after']),
          };
        // vLLM ("maximum context length is"), llama-server (exceed_context_size_error) and TGI
        // ("tokens + `max_new_tokens` must be <=") reject a prompt too long in their own words.
        const overflow = status === 400 && CONTEXT_OVERFLOW.test(detail);
        yield {
          type: 'error',
          error: error(overflow ? 'llm_context_overflow' : 'llm_bad_request', `HTTP ${status} ${detail}`, { upstreamStatus: status }),
        };
        return SETTLED;
      }
      if ((res.headers['content-type'] ?? '').includes('application/json')) {
        // A server that ignored `stream: true` and answered with one completion object.
        const text = await readText(res);
        let json: unknown;
        try {
          json = JSON.parse(text);
        } catch (e) {
          throw error('llm_bad_response', `not JSON: ${text.slice(0, 100)}`, { retryable: true, cause: e });
        }
        const chunk = parseChatCompletionChunk(json);
        if (chunk.error !== undefined) throw error('llm_upstream_error', chunk.error);
        if (chunk.text !== '') yield { type: 'text-delta', text: chunk.text };
        yield { type: 'finish', finishReason: mapFinishReason(chunk.finishReason), usage: chunk.usage ?? {} };
        return SETTLED;
      }

      /** Reads one event; returns the text it carries ('' for none), or null at `[DONE]`. */
      const read = (event: SSEEvent): string | null => {
        if (event.type === 'unknown-field') {
          if (event.field === 'error') throw error('llm_upstream_error', event.value);
          return '';
        }
        if (event.data.trim() === '[DONE]') return null;
        let json: unknown;
        try {
          json = JSON.parse(event.data);
        } catch (e) {
          throw error('llm_bad_response', `not JSON: ${event.data.slice(0, 100)}`, { retryable: true, cause: e });
        }
        const chunk = parseChatCompletionChunk(json);
        if (chunk.error !== undefined) throw error('llm_upstream_error', chunk.error);
        if (chunk.usage) usage = chunk.usage;
        if (chunk.finishReason !== undefined) finishReason = chunk.finishReason;
        return chunk.text;
      };
      // One network chunk at a time: the events it completes are parsed together, then yielded.
      const parser = new SSELineParser();
      const chunks = res[Symbol.asyncIterator]();
      reading: for (;;) {
        const next = await chunks.next();
        const events = next.done === true ? parser.end() : parser.feed(next.value as Buffer);
        for (const event of events) {
          // Events already parsed from the last network chunk are not delivered after an abort or timeout.
          if (cause !== undefined) throw new Error(`stopped: ${cause}`);
          const text = read(event);
          if (text === null) {
            sawDone = true;
            break reading;
          }
          if (text !== '') {
            if (!delivered) clearTimeout(firstTokenTimer);
            delivered = true;
            yield { type: 'text-delta', text };
          }
        }
        if (next.done === true) break;
      }
      if (sawDone) res.resume();
      if (cause === 'abort') {
        yield { type: 'finish', finishReason: 'abort', usage };
        return SETTLED;
      }
      if (!delivered && !sawDone && finishReason === undefined)
        throw error('llm_bad_response', 'stream ended before any answer', { retryable: true });
      yield { type: 'finish', finishReason: mapFinishReason(finishReason), usage };
      return SETTLED;
    } catch (e) {
      if (cause === 'abort') {
        yield { type: 'finish', finishReason: 'abort', usage };
        return SETTLED;
      }
      if (cause === 'closed') {
        yield { type: 'error', error: error('llm_closed', 'provider closed', { retryable: true }) };
        return SETTLED;
      }
      if (delivered) {
        const err =
          cause === 'timeout'
            ? error('llm_timeout', `no complete answer within ${timeoutMs} ms`, { cause: e })
            : error('llm_stream_interrupted', `stream broke after the first token: ${describe(e)}`, { cause: e });
        yield { type: 'error', error: err };
        return SETTLED;
      }
      if (cause === 'timeout') {
        yield { type: 'error', error: error('llm_timeout', `no answer within ${timeoutMs} ms`, { retryable: true, cause: e }) };
        return SETTLED;
      }
      if (cause === 'first-token-timeout')
        return {
          kind: 'retry',
          error: error('llm_timeout', `no first token within ${firstTokenTimeoutMs} ms`, { retryable: true }),
          retryAfterMs: 0,
        };
      if (e instanceof LLMProviderError) {
        if (e.retryable) return { kind: 'retry', error: e, retryAfterMs: 0 };
        yield { type: 'error', error: e };
        return SETTLED;
      }
      // fetch rejects with a TypeError for refused/reset connections and DNS failures.
      return {
        kind: 'retry',
        error: error('llm_unavailable', `connection failed: ${describe(e)}`, { retryable: true, cause: e }),
        retryAfterMs: 0,
      };
    } finally {
      clearTimeout(overallTimer);
      clearTimeout(firstTokenTimer);
      signal?.removeEventListener('abort', onAbort);
      active.delete(stop);
      // Closes the upstream connection if the caller stopped reading early; a finished response
      // leaves its socket to the pool for the next request.
      if (response?.complete !== true) ctrl.abort();
    }
  }

  async function* streamChat(params: GenerateParams): AsyncGenerator<LanguageModelStreamPart, void, undefined> {
    const { signal } = params;
    const deadline = Date.now() + timeoutMs;
    const body = JSON.stringify(requestBody(params));
    const failures: LLMProviderError[] = [];
    let retryAfter = 0;
    for (let i = 0; i <= maxRetries; i++) {
      if (i > 0 && i % urls.length === 0) {
        const backoff = retryDelayMs * 2 ** (i / urls.length - 1);
        const wait = Math.min(Math.max(backoff, retryAfter), 2000, Math.max(0, deadline - Date.now()));
        if (!(await sleep(wait, signal))) break;
      }
      if (signal?.aborted || Date.now() >= deadline) break;
      const outcome = yield* attempt(urls[i % urls.length]!, body, signal, deadline);
      if (outcome.kind === 'settled') return;
      failures.push(outcome.error);
      retryAfter = outcome.retryAfterMs;
    }
    if (signal?.aborted) {
      yield { type: 'finish', finishReason: 'abort', usage: {} };
      return;
    }
    const last = failures.at(-1);
    const outOfTime = Date.now() >= deadline;
    yield {
      type: 'error',
      error: new LLMProviderError(
        outOfTime ? 'llm_timeout' : 'llm_unavailable',
        `no answer from ${urls.join(', ')} after ${failures.length} attempt(s): ` +
          failures.map((f) => f.message).join('; '),
        { status: 503, retryable: true, cause: last, url: last?.url, upstreamStatus: last?.upstreamStatus },
      ),
    };
  }

  async function ready(): Promise<void> {
    const problems: string[] = [];
    for (const url of urls) {
      try {
        const res = await doFetch(`${url}/models`, {
          headers: { ...headers, accept: 'application/json' },
          signal: AbortSignal.timeout(firstTokenTimeoutMs),
        });
        if (res.ok) {
          const json: unknown = await res.json().catch(() => undefined);
          if (model === undefined) model = firstModelId(json);
          return;
        }
        await res.body?.cancel();
        if (res.status === 401 || res.status === 403) problems.push(`${url}: HTTP ${res.status}, API key rejected`);
        else if (res.status >= 500) problems.push(`${url}: HTTP ${res.status}`);
        else return; // the server answers; it just has no /models (404) or forbids GET on it
      } catch (e) {
        problems.push(`${url}: ${describe(e)}`);
      }
    }
    throw new LLMProviderError('llm_unavailable', `no OpenAI-compatible server ready: ${problems.join('; ')}`, {
      status: 503,
      retryable: true,
    });
  }

  return {
    get id() {
      return `openai:${model ?? 'default'}`;
    },
    ready,
    doStream: streamChat,
    async close() {
      closed = true;
      for (const stop of [...active]) stop('closed');
    },
  };
}

function firstModelId(json: unknown): string | undefined {
  if (typeof json !== 'object' || json === null || !('data' in json) || !Array.isArray(json.data)) return undefined;
  const first: unknown = json.data[0];
  if (typeof first !== 'object' || first === null || !('id' in first)) return undefined;
  return typeof first.id === 'string' ? first.id : undefined;
}
