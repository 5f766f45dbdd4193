import { Agent, type Dispatcher } from 'undici';

/** Bytes left unread before the response is paused: Node's own default for a byte stream. */
const HIGH_WATER_BYTES = 16 * 1024;

/**
 * A model server's answer: status and headers read, the body read by the caller as it arrives.
 */
export interface ModelResponse {
  readonly status: number;
  /** A response header by its lower-case name (the first value when repeated). */
  header(name: string): string | undefined;
  /** The whole body has arrived. */
  readonly complete: boolean;
  /**
   * Everything of the body that has arrived since the last call, as one buffer (waits for more
   * when nothing has), or null at its end; throws the error that broke it (a closed connection,
   * an abort) once the bytes before it are read.
   */
  next(): Promise<Buffer | null>;
  /** Done reading: whatever is left of the body is dropped as it arrives, so the connection stays pooled. */
  release(): void;
}

/**
 * One pool of keep-alive connections for every model server the process talks to. The timeouts
 * are the model client's own (overall, first token): undici's are off. Idle connections do not
 * keep the process alive.
 */
const agent = new Agent({ headersTimeout: 0, bodyTimeout: 0 });

/** An error before any response that a pooled connection the server had closed would give. */
const isStaleSocket = (e: NodeJS.ErrnoException): boolean => e.code === 'UND_ERR_SOCKET' || e.code === 'ECONNRESET' || e.code === 'EPIPE';

/**
 * One exchange: undici's dispatch handler and the caller's view of the response. The body is
 * queued from undici's data callbacks and handed over a batch at a time: an OpenAI-compatible
 * server writes each event as its own chunk of the chunked encoding, and every chunk was a
 * 'data' event and an async step through Node's IncomingMessage and Readable (issue 16).
 */
class Exchange implements ModelResponse, Dispatcher.DispatchHandler {
  status = 0;
  complete = false;
  private headers: Record<string, string | string[] | undefined> = {};
  private controller: Dispatcher.DispatchController | null = null;
  private readonly queue: Buffer[] = [];
  private queued = 0;
  private failure: Error | null = null;
  private wake: (() => void) | null = null;
  private released = false;
  private started = false;
  private readonly onAbort = (): void => this.abort();

  constructor(
    private readonly signal: AbortSignal,
    private readonly onResponse: (res: Exchange) => void,
    private readonly onFailure: (e: Error) => void,
  ) {
    signal.addEventListener('abort', this.onAbort, { once: true });
  }

  header(name: string): string | undefined {
    const v = this.headers[name];
    return Array.isArray(v) ? v[0] : v;
  }

  /** The caller's signal: an unfinished exchange is stopped (a finished one has left its connection to the pool). */
  abort(): void {
    if (!this.complete) this.controller?.abort(this.signal.reason instanceof Error ? this.signal.reason : new Error('aborted'));
  }

  onRequestStart(controller: Dispatcher.DispatchController): void {
    this.controller = controller;
    if (this.signal.aborted) this.abort();
  }

  onResponseStart(_controller: Dispatcher.DispatchController, status: number, headers: Record<string, string | string[] | undefined>): void {
    // 1xx informational answers come before the real one.
    if (status < 200) return;
    this.status = status;
    this.headers = headers;
    this.started = true;
    this.onResponse(this);
  }

  onResponseData(controller: Dispatcher.DispatchController, chunk: Buffer): void {
    if (this.released) return;
    this.queue.push(chunk);
    this.queued += chunk.length;
    if (this.queued >= HIGH_WATER_BYTES) controller.pause();
    this.settle();
  }

  onResponseEnd(): void {
    this.complete = true;
    this.signal.removeEventListener('abort', this.onAbort);
    this.settle();
  }

  onResponseError(_controller: Dispatcher.DispatchController, error: Error): void {
    this.signal.removeEventListener('abort', this.onAbort);
    if (!this.started) {
      this.onFailure(error);
      return;
    }
    this.failure ??= error;
    this.settle();
  }

  async next(): Promise<Buffer | null> {
    for (;;) {
      if (this.queue.length > 0) {
        const all = this.queue.length === 1 ? this.queue[0]! : Buffer.concat(this.queue, this.queued);
        this.queue.length = 0;
        this.queued = 0;
        if (this.controller?.paused === true) this.controller.resume();
        return all;
      }
      if (this.failure !== null) throw this.failure;
      if (this.complete) return null;
      await new Promise<void>((resolve) => (this.wake = resolve));
    }
  }

  release(): void {
    this.released = true;
    this.queue.length = 0;
    this.queued = 0;
    if (this.controller?.paused === true) this.controller.resume();
  }

  private settle(): void {
    const w = this.wake;
    this.wake = null;
    w?.();
  }
}

/**
 * POSTs `body` and resolves once the response's status and headers are in, its body unread
 * (issue 16.4: undici's dispatch API, without the ClientRequest, IncomingMessage and Readable
 * objects Node's http client builds per request and per chunk). Aborting `signal` stops the
 * exchange before or during the response; once the body has fully arrived the signal no longer
 * touches the connection, which may be serving the next request from the pool.
 */
export function postStream(url: string, headers: Readonly<Record<string, string>>, body: string, signal: AbortSignal): Promise<ModelResponse> {
  const target = new URL(url);
  return new Promise((resolve, reject) => {
    const attempt = (mayRetryStale: boolean): void => {
      const exchange = new Exchange(
        signal,
        (res) => resolve(res),
        (e: NodeJS.ErrnoException) => {
          // A pooled keep-alive connection the server had already closed (llama-server drops idle
          // ones): the request goes again once on a fresh connection instead of counting the
          // server as down and failing over. A completion asked twice costs only the server's time.
          if (mayRetryStale && !signal.aborted && isStaleSocket(e)) attempt(false);
          else reject(e);
        },
      );
      agent.dispatch({ origin: target.origin, path: `${target.pathname}${target.search}`, method: 'POST', headers, body }, exchange);
    };
    attempt(true);
  });
}

/** The whole body as text. */
export async function readText(res: ModelResponse): Promise<string> {
  const chunks: Buffer[] = [];
  for (let c = await res.next(); c !== null; c = await res.next()) chunks.push(c);
  return Buffer.concat(chunks).toString('utf8');
}
