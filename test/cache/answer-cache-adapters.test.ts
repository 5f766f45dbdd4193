import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll } from 'vitest';
import { createSqliteAnswerCache } from '../../src/cache/answer-cache.ts';
import { createRedisReplicatedAnswerCache } from '../../src/cache/redis-replicated-answer-cache.ts';
import { startRedis } from '../support/start-redis.ts';
import { runAnswerCacheContract } from './answer-cache.contract.ts';

// redis-server is a Debian package .ci/run installs: one that cannot start fails the file, with the reason.
const redis = await startRedis();
const dir = mkdtempSync(join(tmpdir(), 'kefu-cache-contract-'));
afterAll(async () => {
  await redis.stop();
  rmSync(dir, { recursive: true, force: true });
});

runAnswerCacheContract('sqlite file', async (options) => {
  const cache = createSqliteAnswerCache({ ...options, path: join(dir, `${randomUUID()}.db`) });
  return { cache, close: async () => cache.close() };
});

runAnswerCacheContract('sqlite in memory', async (options) => {
  const cache = createSqliteAnswerCache({ ...options, path: ':memory:' });
  return { cache, close: async () => cache.close() };
});

// Each cache its own key namespace, so every test starts from an empty hash on the shared server.
runAnswerCacheContract('redis-replicated', async (options) => {
  const cache = await createRedisReplicatedAnswerCache({ ...options, url: redis.url, prefix: `contract-${randomUUID()}`, logger: { warn: () => {} } });
  return { cache, close: () => cache.quit() };
});
