/**
 * Sessions this process has just created and written no message to (issue 16.2: no reads for what
 * the turn just created). A turn that opens a new session reads its history and recent messages
 * back; both are known to be empty, so the session manager answers them without a query. Every
 * message this process writes goes through the session manager, which forgets the session at its
 * first write; an entry also lapses after `windowMs` (a turn's length, well past the model's
 * latency budget), so a message another process could write later is read from the store. At most
 * `max` are kept, oldest dropped first (a dropped one is only read again).
 */
export interface FreshSessions {
  add(id: string): void;
  /** True while `id` was created here, has no message written here, and is within the window. */
  has(id: string): boolean;
  forget(id: string): void;
}

export function createFreshSessions(now: () => number, windowMs = 60_000, max = 10_000): FreshSessions {
  const createdAt = new Map<string, number>();
  return {
    add(id) {
      if (createdAt.size >= max) {
        const oldest = createdAt.keys().next().value;
        if (oldest !== undefined) createdAt.delete(oldest);
      }
      createdAt.set(id, now());
    },
    has(id) {
      const at = createdAt.get(id);
      if (at === undefined) return false;
      if (now() - at <= windowMs) return true;
      createdAt.delete(id);
      return false;
    },
    forget(id) {
      createdAt.delete(id);
    },
  };
}
