import type { ConversationStore, StoredMessage } from '../../contracts/conversation-store.ts';
import type { Logger } from '../../logging/create-logger.ts';
import { toAppMessage, type AppMessage } from './app-protocol.ts';

/** Where a watched session's new messages go (a connection; it drops what it has already sent). */
export interface MessageSink {
  deliver(message: AppMessage): void;
}

/** How many recent messages one poll reads before falling back to the whole transcript. */
const WINDOW = 20;

/**
 * Polls the store for messages of the sessions that have a connection and hands new ones of the
 * given roles to their sinks: the fallback that also reaches agent replies written by another
 * node or by anything that does not publish a session event. One session at a time, never two
 * polls at once, so a slow store slows the push down instead of piling queries up.
 */
export function createSessionWatcher(deps: { store: ConversationStore; intervalMs: number; logger: Logger; roles: readonly StoredMessage['role'][] }) {
  const watched = new Map<string, { sinks: Set<MessageSink>; cursor: string | null }>();
  let running: Promise<void> | null = null;

  async function pollOne(sessionId: string, entry: { sinks: Set<MessageSink>; cursor: string | null }): Promise<void> {
    let recent = await deps.store.listMessages(sessionId, WINDOW);
    let from = entry.cursor === null ? 0 : recent.findIndex((m) => m.id === entry.cursor) + 1;
    if (from === 0 && entry.cursor !== null && recent.length === WINDOW) {
      recent = await deps.store.listMessages(sessionId);
      from = recent.findIndex((m) => m.id === entry.cursor) + 1;
    }
    const fresh = recent.slice(from);
    const last = fresh.at(-1);
    if (last === undefined) return;
    entry.cursor = last.id;
    for (const m of fresh) {
      if (!deps.roles.includes(m.role)) continue;
      const message = toAppMessage(m);
      for (const sink of entry.sinks) sink.deliver(message);
    }
  }

  async function poll(): Promise<void> {
    for (const [sessionId, entry] of [...watched]) {
      if (entry.sinks.size === 0) continue;
      try {
        await pollOne(sessionId, entry);
      } catch (err) {
        deps.logger.warn({ err, sessionId }, 'app socket: reading new messages failed');
      }
    }
  }

  const timer = setInterval(() => {
    if (running !== null) return;
    running = poll().finally(() => {
      running = null;
    });
  }, deps.intervalMs);
  timer.unref();

  return {
    /** `cursor`: the newest message the sink already has (or null). Returns the unwatch function. */
    watch(sessionId: string, sink: MessageSink, cursor: string | null): () => void {
      let entry = watched.get(sessionId);
      if (entry === undefined) {
        entry = { sinks: new Set(), cursor };
        watched.set(sessionId, entry);
      }
      entry.sinks.add(sink);
      const e = entry;
      return () => {
        e.sinks.delete(sink);
        if (e.sinks.size === 0 && watched.get(sessionId) === e) watched.delete(sessionId);
      };
    },
    sinks(sessionId: string): readonly MessageSink[] {
      return [...(watched.get(sessionId)?.sinks ?? [])];
    },
    /** Stops polling; resolves once a poll in progress has finished. */
    async stop(): Promise<void> {
      clearInterval(timer);
      await running;
    },
  };
}

export type SessionWatcher = ReturnType<typeof createSessionWatcher>;
