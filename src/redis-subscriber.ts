import { Redis } from 'ioredis';

export interface RenewedSubscriber {
  readonly redis: Redis;
  /** The first SUBSCRIBE; renewals after reconnects start once it has settled. */
  subscribe(): Promise<void>;
  /** No renewal from now on: called before the connection is closed. */
  stop(): void;
}

/**
 * A connection subscribed to one channel whose subscription is renewed here after every
 * reconnect, not by ioredis: ioredis sends its own SUBSCRIBE from the ready check without a
 * handler, and a connection closed during that check (a node shutting down just after a Redis
 * blip) rejected it as an unhandled rejection. `renewed` gets each renewal's promise and handles
 * its failure; what was published while cut off is lost (pub/sub stores nothing), so that is
 * where a caller re-reads. Connection errors surface through the commands' promises; without a
 * listener ioredis would print each reconnect error.
 */
export function createRenewedSubscriber(url: string, channel: string, renewed: (subscribing: Promise<unknown>) => void): RenewedSubscriber {
  const redis = new Redis(url, { autoResubscribe: false });
  redis.on('error', () => {});
  let started = false;
  let stopped = false;
  redis.on('ready', () => {
    if (started && !stopped) renewed(redis.subscribe(channel));
  });
  return {
    redis,
    subscribe: () =>
      redis
        .subscribe(channel)
        .then(() => undefined)
        .finally(() => {
          started = true;
        }),
    stop: () => {
      stopped = true;
    },
  };
}
