import type { StoredMessage } from '../../contracts/conversation-store.ts';

/**
 * In-process notice that a message was stored for a session (an agent reply, a system notice),
 * so connected apps get it at once. The app socket subscribes; the agent API publishes. Other
 * nodes of a multi-node install do not hear it: the socket's store poll covers them.
 */
export interface SessionEvents {
  publish(sessionId: string, message: StoredMessage): void;
  /** Returns the unsubscribe function. */
  subscribe(listener: (sessionId: string, message: StoredMessage) => void): () => void;
}

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
