import type { StoredMessage } from './conversation-store.ts';

/**
 * Notice that a message was stored for a session (an agent reply, a system notice), so connected
 * apps get it at once. The app socket subscribes; the agent API publishes. The in-process adapter
 * reaches one node (the socket's store poll covers the others); the Redis one reaches every node.
 */
export interface SessionEvents {
  publish(sessionId: string, message: StoredMessage): void;
  /** Returns the unsubscribe function. */
  subscribe(listener: (sessionId: string, message: StoredMessage) => void): () => void;
}
