import type { GenerateParams, LanguageModel, LanguageModelStreamPart } from '../contracts/language-model.ts';
import { LLMProviderError } from '../llm/llm-provider-error.ts';
import type { WorkerBus } from './worker-bus.ts';

/** An error part as it crosses the channel: an Error object does not survive as itself. */
export interface WireError {
  code: string;
  message: string;
  status?: number;
  retryable?: boolean;
}
export type WirePart = Exclude<LanguageModelStreamPart, { type: 'error' }> | { type: 'error'; error: WireError };

export interface StreamEvent {
  id: number;
  part?: WirePart;
  /** The stream is over (after its last part). */
  end?: true;
}

let nextStream = 1;

/**
 * The model a worker of `kefu serve --workers N` uses when the machine's model is embedded: the
 * primary loaded it once and generates for every worker; tokens come back as they are made.
 * Aborting the signal stops the generation in the primary.
 */
export function createIpcLanguageModel(bus: WorkerBus, id: string): LanguageModel {
  const streams = new Map<number, (e: StreamEvent) => void>();
  bus.on('llm.stream', (body) => {
    const e = body as StreamEvent;
    streams.get(e.id)?.(e);
  });
  return {
    id,
    ready: () => bus.request<null>('llm.ready', null).then(() => undefined),
    doStream: (params) => stream(bus, streams, params),
    async close() {},
  };
}

async function* stream(bus: WorkerBus, streams: Map<number, (e: StreamEvent) => void>, params: GenerateParams): AsyncIterable<LanguageModelStreamPart> {
  const id = nextStream++;
  const queue: StreamEvent[] = [];
  const waiting: { wake: (() => void) | null } = { wake: null };
  streams.set(id, (e) => {
    queue.push(e);
    waiting.wake?.();
  });
  const { signal, ...rest } = params;
  let settled = false;
  // As the providers do: nothing more after an abort, a `finish` (abort) instead, and the
  // generation in the primary stopped.
  const abort = () => {
    if (!settled) bus.send('llm.abort', { id });
    settled = true;
    waiting.wake?.();
  };
  signal?.addEventListener('abort', abort, { once: true });
  try {
    bus.send('llm.generate', { id, params: rest });
    for (;;) {
      if (signal?.aborted) {
        abort();
        yield { type: 'finish', finishReason: 'abort', usage: {} };
        return;
      }
      if (queue.length === 0) await new Promise<void>((resolve) => (waiting.wake = resolve));
      waiting.wake = null;
      const e = queue.shift();
      if (e === undefined) continue;
      if (e.end === true) {
        settled = true;
        return;
      }
      if (e.part !== undefined) yield fromWire(e.part);
    }
  } finally {
    streams.delete(id);
    signal?.removeEventListener('abort', abort);
    // A consumer that stopped reading early: the primary stops generating for it.
    abort();
  }
}

function fromWire(part: WirePart): LanguageModelStreamPart {
  if (part.type !== 'error') return part;
  const e = part.error;
  return { type: 'error', error: new LLMProviderError(e.code, e.message, { ...(e.status === undefined ? {} : { status: e.status }), ...(e.retryable === undefined ? {} : { retryable: e.retryable }) }) };
}
