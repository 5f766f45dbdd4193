import cluster, { type Worker } from 'node:cluster';
import { isIpcMessage, REPLY } from './ipc-message.ts';

/** Answers a worker's request; a thrown error goes back as the request's rejection. */
export type RequestHandler = (body: unknown, worker: Worker) => unknown;
/** Hears a worker's one-way message. */
export type MessageHandler = (body: unknown, worker: Worker) => void;

/** The primary's side of the IPC channels to every worker. */
export interface PrimaryBus {
  handle(kind: string, handler: RequestHandler): void;
  on(kind: string, handler: MessageHandler): void;
  sendTo(worker: Worker, kind: string, body: unknown): void;
  /** To every connected worker except `except`. */
  broadcast(kind: string, body: unknown, except?: Worker): void;
}

export function createPrimaryBus(): PrimaryBus {
  const requests = new Map<string, RequestHandler>();
  const messages = new Map<string, MessageHandler>();
  const sendTo = (worker: Worker, kind: string, body: unknown): void => {
    if (worker.isConnected()) worker.send({ k: kind, b: body });
  };
  cluster.on('message', (worker: Worker, raw: unknown) => {
    if (!isIpcMessage(raw)) return;
    if (raw.id !== undefined) {
      const id = raw.id;
      const answer = (b: unknown, e?: string) => {
        if (worker.isConnected()) worker.send(e === undefined ? { k: REPLY, id, b } : { k: REPLY, id, e });
      };
      const handler = requests.get(raw.k);
      if (handler === undefined) return answer(undefined, `the primary has no handler for ${raw.k}`);
      Promise.resolve()
        .then(() => handler(raw.b, worker))
        .then((b) => answer(b), (err: unknown) => answer(undefined, err instanceof Error ? err.message : String(err)));
      return;
    }
    messages.get(raw.k)?.(raw.b, worker);
  });
  return {
    handle: (kind, handler) => void requests.set(kind, handler),
    on: (kind, handler) => void messages.set(kind, handler),
    sendTo,
    broadcast(kind, body, except) {
      for (const w of Object.values(cluster.workers ?? {})) if (w !== undefined && w !== except) sendTo(w, kind, body);
    },
  };
}
