import { createConnection, createServer, type Socket } from 'node:net';

export interface RedisReadyCheckProxy {
  /** Clients connect here instead of to Redis. */
  url: string;
  /**
   * Cuts the connections that subscribed, and holds Redis's replies on the next connection from
   * the moment its client sends INFO (ioredis's ready check after a reconnect). Resolves once the
   * INFO reply is held: that client is then connected but not yet ready.
   */
  cutSubscribersAndHoldReadyCheck(): Promise<void>;
  /** Passes the held replies on, then closes that connection once its client has closed its side; resolves when it is closed. */
  release(): Promise<void>;
  /** Passes the held replies on and lets that connection go on as usual. */
  resume(): void;
  close(): Promise<void>;
}

const INFO = /\$4\r\ninfo\r\n/i;
const SUBSCRIBE = /\$9\r\nsubscribe\r\n/i;

/**
 * A loopback TCP proxy in front of a real Redis that can cut a subscriber's connection and hold
 * the reply to its reconnect's ready check, so a test can act in that window (which a loaded
 * machine opens by chance) every time.
 */
export async function startRedisReadyCheckProxy(redisUrl: string): Promise<RedisReadyCheckProxy> {
  const target = new URL(redisUrl);
  const pairs = new Set<{ client: Socket; server: Socket; subscribed: boolean }>();
  let armed: { held: Buffer[]; onHeld: () => void } | null = null;
  let holding: { client: Socket; held: Buffer[]; clientEnded: Promise<void>; closed: Promise<void>; release: () => void } | null = null;

  const proxy = createServer({ allowHalfOpen: true }, (client) => {
    const server = createConnection({ host: target.hostname, port: Number(target.port) });
    const pair = { client, server, subscribed: false };
    pairs.add(pair);
    const clientEnded = new Promise<void>((resolve) => client.once('end', () => resolve()));
    const closed = new Promise<void>((resolve) => client.once('close', () => resolve()));
    let hold: Buffer[] | null = null;
    let released = false;
    const arm = armed;
    armed = null;
    client.on('data', (chunk: Buffer) => {
      const text = chunk.toString('latin1');
      if (SUBSCRIBE.test(text)) pair.subscribed = true;
      if (arm !== null && hold === null && INFO.test(text)) {
        hold = arm.held;
        holding = { client, held: hold, clientEnded, closed, release: () => (released = true) };
      }
      server.write(chunk);
    });
    server.on('data', (chunk: Buffer) => {
      if (hold !== null && !released) {
        hold.push(chunk);
        arm?.onHeld();
      } else client.write(chunk);
    });
    client.on('end', () => {
      // The held replies go out first (release), then this side is ended.
      if (hold === null || released) server.end();
    });
    server.on('end', () => {
      if (hold === null || released) client.end();
    });
    client.on('error', () => server.destroy());
    server.on('error', () => client.destroy());
    client.on('close', () => {
      server.destroy();
      pairs.delete(pair);
    });
  });
  await new Promise<void>((resolve) => proxy.listen(0, '127.0.0.1', () => resolve()));
  const address = proxy.address();
  if (address === null || typeof address === 'string') throw new Error('proxy has no port');

  return {
    url: `redis://127.0.0.1:${address.port}`,
    cutSubscribersAndHoldReadyCheck() {
      return new Promise<void>((resolve) => {
        armed = { held: [], onHeld: resolve };
        for (const p of pairs) if (p.subscribed) p.client.destroy();
      });
    },
    async release() {
      const h = holding;
      if (h === null) throw new Error('no ready check is held');
      holding = null;
      await h.clientEnded;
      h.release();
      for (const chunk of h.held) h.client.write(chunk);
      h.client.end();
      await h.closed;
    },
    resume() {
      const h = holding;
      if (h === null) throw new Error('no ready check is held');
      holding = null;
      h.release();
      for (const chunk of h.held) h.client.write(chunk);
    },
    async close() {
      for (const p of pairs) p.client.destroy();
      await new Promise<void>((resolve) => proxy.close(() => resolve()));
    },
  };
}

/**
 * Opens a Redis client through the proxy, cuts its subscriber and holds the reconnect's ready
 * check, closes the client in that window, then lets the reply through: the unhandled rejections
 * seen meanwhile (none is the right answer).
 */
export async function unhandledWhenClosedDuringReconnect(redisUrl: string, open: (url: string) => Promise<{ close(): Promise<void> }>): Promise<unknown[]> {
  const proxy = await startRedisReadyCheckProxy(redisUrl);
  const unhandled: unknown[] = [];
  const onUnhandled = (reason: unknown) => void unhandled.push(reason);
  process.on('unhandledRejection', onUnhandled);
  try {
    const client = await open(proxy.url);
    await proxy.cutSubscribersAndHoldReadyCheck();
    await client.close();
    await proxy.release();
    await new Promise((r) => setTimeout(r, 100));
    return unhandled;
  } finally {
    process.off('unhandledRejection', onUnhandled);
    await proxy.close();
  }
}
