import { Redis } from 'ioredis';

/**
 * Resolves once the shared answer cache in Redis holds an entry (the entry and its event go in
 * one MULTI after the reply, so another node's copy is then in flight); throws after 5 s.
 */
export async function waitForRedisCacheEntry(url: string): Promise<void> {
  const raw = new Redis(url);
  try {
    const until = Date.now() + 5000;
    while ((await raw.hlen('kefu:cache:entries')) === 0) {
      if (Date.now() > until) throw new Error('the cached answer never reached Redis');
      await new Promise((r) => setTimeout(r, 10));
    }
  } finally {
    raw.disconnect();
  }
}
