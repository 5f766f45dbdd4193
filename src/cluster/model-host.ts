import type { Worker } from 'node:cluster';
import type { LanguageModel, LanguageModelStreamPart } from '../contracts/language-model.ts';
import { isKefuError } from '../errors.ts';
import type { StreamEvent, WireError, WirePart } from './ipc-language-model.ts';
import type { PrimaryBus } from './primary-bus.ts';

/**
 * The primary's half of the embedded model under `--workers N`: loaded once for the machine
 * (one copy of the weights, one set of llama.cpp threads and sequences), generating for every
 * worker and streaming each part back as it comes. A worker that exits has its generations stopped.
 */
export function hostModel(bus: PrimaryBus, model: LanguageModel, onError: (err: unknown) => void): { forget(worker: Worker): void } {
  const running = new Map<string, AbortController>();
  const keyOf = (worker: Worker, id: number) => `${worker.id}:${id}`;
  const ready = model.ready();
  ready.catch(onError);
  bus.handle('llm.ready', async () => {
    await ready;
    return null;
  });
  bus.on('llm.abort', (body, worker) => running.get(keyOf(worker, (body as { id: number }).id))?.abort());
  bus.on('llm.generate', (body, worker) => {
    const { id, params } = body as { id: number; params: Parameters<LanguageModel['doStream']>[0] };
    const controller = new AbortController();
    running.set(keyOf(worker, id), controller);
    const send = (e: StreamEvent) => bus.sendTo(worker, 'llm.stream', e);
    void (async () => {
      try {
        await ready;
        for await (const part of model.doStream({ ...params, signal: controller.signal })) send({ id, part: toWire(part) });
      } catch (err) {
        send({ id, part: { type: 'error', error: wireError(err) } });
      } finally {
        running.delete(keyOf(worker, id));
        send({ id, end: true });
      }
    })();
  });
  return {
    forget(worker) {
      for (const [key, c] of running) if (key.startsWith(`${worker.id}:`)) c.abort();
    },
  };
}

function toWire(part: LanguageModelStreamPart): WirePart {
  return part.type === 'error' ? { type: 'error', error: wireError(part.error) } : part;
}

function wireError(err: unknown): WireError {
  if (isKefuError(err)) return { code: err.code, message: err.message, status: err.status, retryable: err.retryable };
  return { code: 'llm_error', message: err instanceof Error ? err.message : String(err) };
}
