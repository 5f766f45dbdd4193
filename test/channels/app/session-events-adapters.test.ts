import { afterAll } from 'vitest';
import { createRedisSessionEvents } from '../../../src/channels/app/redis-session-events.ts';
import { createSessionEvents } from '../../../src/channels/app/session-events.ts';
import { startRedis } from '../../support/start-redis.ts';
import { runSessionEventsContract } from './session-events.contract.ts';

// redis-server is a Debian package .ci/run installs: one that cannot start fails the file, with the reason.
const redis = await startRedis();
afterAll(() => redis.stop());

runSessionEventsContract('in-process', async () => ({ events: createSessionEvents(), close: async () => {} }), 'node');

runSessionEventsContract('redis', async (namespace) => {
  const events = createRedisSessionEvents({ url: redis.url, prefix: namespace });
  await events.ready();
  return { events, close: () => events.close() };
}, 'cluster');
