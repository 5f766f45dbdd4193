import type { StoredMessage } from '../../contracts/conversation-store.ts';
import type { SessionEvents } from '../../contracts/session-events.ts';

/** The in-process adapter (one node); `createRedisSessionEvents` reaches every node. */
export function createSessionEvents(): SessionEvents {
  const listeners = new Set<(sessionId: string, message: StoredMessage) => void>();
  return {
    publish(sessionId, message) {
      for (const listener of listeners) listener(sessionId, message);
    },
    subscribe(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
  };
}
