import { isIpcMessage, REPLY, type IpcMessage } from './ipc-message.ts';

/** A worker's side of the IPC channel to the primary. */
export interface WorkerBus {
  /** Asks the primary; rejects with the primary's error text, or when the channel closes. */
  request<T>(kind: string, body: unknown): Promise<T>;
  /** Tells the primary, no answer. */
  send(kind: string, body: unknown): void;
  /** Hears what the primary sends of this kind; returns the unsubscribe function. */
  on(kind: string, handler: (body: unknown) => void): () => void;
}

interface Pending {
  resolve(value: unknown): void;
  reject(err: Error): void;
}

export function createWorkerBus(proc: NodeJS.Process = process): WorkerBus {
  if (typeof proc.send !== 'function') throw new Error('createWorkerBus: this process has no IPC channel (not a cluster worker)');
  const send = proc.send.bind(proc);
  let nextId = 1;
  const pending = new Map<number, Pending>();
  const handlers = new Map<string, Set<(body: unknown) => void>>();
  proc.on('message', (raw: unknown) => {
    if (!isIpcMessage(raw)) return;
    if (raw.k === REPLY && raw.id !== undefined) {
      const p = pending.get(raw.id);
      pending.delete(raw.id);
      if (raw.e !== undefined) p?.reject(new Error(raw.e));
      else p?.resolve(raw.b);
      return;
    }
    for (const h of handlers.get(raw.k) ?? []) h(raw.b);
  });
  proc.once('disconnect', () => {
    for (const p of pending.values()) p.reject(new Error('the cluster primary is gone'));
    pending.clear();
  });
  const post = (message: IpcMessage): void => {
    if (proc.connected) send(message);
  };
  return {
    request<T>(kind: string, body: unknown): Promise<T> {
      if (!proc.connected) return Promise.reject(new Error('the cluster primary is gone'));
      const id = nextId++;
      return new Promise<T>((resolve, reject) => {
        pending.set(id, { resolve: resolve as (v: unknown) => void, reject });
        post({ k: kind, id, b: body });
      });
    },
    send: (kind, body) => post({ k: kind, b: body }),
    on(kind, handler) {
      let set = handlers.get(kind);
      if (set === undefined) handlers.set(kind, (set = new Set()));
      set.add(handler);
      return () => set.delete(handler);
    },
  };
}
