import type { StoredMessage } from '../contracts/conversation-store.ts';
import type { SessionEvents } from '../contracts/session-events.ts';
import type { PrimaryBus } from './primary-bus.ts';
import type { WorkerBus } from './worker-bus.ts';

const PUBLISH = 'events.publish';
const DELIVER = 'events.deliver';

interface Event {
  sessionId: string;
  message: StoredMessage;
}

/**
 * `SessionEvents` for one worker of `kefu serve --workers N` without Redis: a customer's socket
 * may be held by worker 1 while worker 2 stores the agent's reply. Local listeners hear a publish
 * at once; the primary relays it to every other worker (never back to its origin), so each
 * listener hears a message once.
 */
export function createClusterSessionEvents(bus: WorkerBus): SessionEvents {
  const listeners = new Set<(sessionId: string, message: StoredMessage) => void>();
  const deliver = (sessionId: string, message: StoredMessage) => {
    for (const listener of listeners) listener(sessionId, message);
  };
  bus.on(DELIVER, (body) => {
    const e = body as Event;
    deliver(e.sessionId, e.message);
  });
  return {
    publish(sessionId, message) {
      deliver(sessionId, message);
      bus.send(PUBLISH, { sessionId, message } satisfies Event);
    },
    subscribe(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
  };
}

/** The primary's half: a publish from one worker goes to all the others. */
export function relaySessionEvents(bus: PrimaryBus): void {
  bus.on(PUBLISH, (body, from) => bus.broadcast(DELIVER, body, from));
}
