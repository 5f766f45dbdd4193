import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { randomUUID } from 'node:crypto';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createRedisWecomDedupe, type RedisWecomDedupe } from '../../../src/channels/wecom/redis-wecom-dedupe.ts';
import { createSqliteWecomDedupe, type SqliteWecomDedupe } from '../../../src/channels/wecom/sqlite-wecom-dedupe.ts';
import { createMemoryWecomDedupe, type WecomDedupe } from '../../../src/channels/wecom/wecom-dedupe.ts';
import { startRedis, type TestRedis } from '../../support/start-redis.ts';

/** What every dedupe must do (memory, SQLite, Redis), with a clock the test moves. */
function behavesAsDedupe(make: (now: () => number) => WecomDedupe) {
  it('answers true once per key, false for repeats, true again after the TTL', async () => {
    let clock = 1_000_000;
    const d = make(() => clock);
    expect(await d.firstTime('4561255354251345929')).toBe(true);
    expect(await d.firstTime('4561255354251345929')).toBe(false);
    expect(await d.firstTime('other')).toBe(true);
    clock += 60_000;
    expect(await d.firstTime('4561255354251345929')).toBe(false);
    clock += 3_600_001;
    expect(await d.firstTime('4561255354251345929')).toBe(true);
    expect(await d.firstTime('4561255354251345929')).toBe(false);
  });
}

describe('in-memory WeCom dedupe', () => {
  behavesAsDedupe((now) => createMemoryWecomDedupe({ now }));

  it('forgets the oldest keys beyond maxEntries', () => {
    const d = createMemoryWecomDedupe({ maxEntries: 3 });
    for (const k of ['a', 'b', 'c', 'd']) expect(d.firstTime(k)).toBe(true);
    expect(d.firstTime('d')).toBe(false);
    expect(d.firstTime('c')).toBe(false);
    expect(d.firstTime('a')).toBe(true);
  });
});

describe('SQLite WeCom dedupe', () => {
  const open: SqliteWecomDedupe[] = [];
  const dirs: string[] = [];
  afterEach(() => {
    for (const d of open.splice(0)) d.close();
    for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
  });
  const file = () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'kefu-wecom-'));
    dirs.push(dir);
    return path.join(dir, 'sub', 'wecom.db');
  };
  const make = (p: string, now?: () => number) => {
    const d = createSqliteWecomDedupe({ path: p, ...(now === undefined ? {} : { now }) });
    open.push(d);
    return d;
  };

  behavesAsDedupe((now) => make(file(), now));

  it('dedupes across instances on one file (several processes) and across a restart', () => {
    const p = file();
    const a = make(p);
    const b = make(p);
    expect(a.firstTime('m1')).toBe(true);
    expect(b.firstTime('m1')).toBe(false);
    expect(b.firstTime('m2')).toBe(true);
    a.close();
    open.splice(open.indexOf(a), 1);
    const restarted = make(p);
    expect(restarted.firstTime('m1')).toBe(false);
    expect(restarted.firstTime('m2')).toBe(false);
    expect(restarted.firstTime('m3')).toBe(true);
  });
});

describe('Redis WeCom dedupe (several nodes)', () => {
  let redis: TestRedis;
  const open: RedisWecomDedupe[] = [];
  beforeAll(async () => {
    // redis-server is a Debian package .ci/run installs: one that cannot start fails here, with the reason.
    redis = await startRedis();
  });
  afterEach(async () => {
    for (const d of open.splice(0)) await d.close();
  });
  afterAll(async () => {
    await redis.stop();
  });
  const make = (prefix: string, now?: () => number) => {
    const d = createRedisWecomDedupe({ url: redis.url, prefix, ...(now === undefined ? {} : { now }) });
    open.push(d);
    return d;
  };

  behavesAsDedupe((now) => make(randomUUID(), now));

  it('lets exactly one node take a delivery, however many get it at once', async () => {
    const prefix = randomUUID();
    const nodes = [make(prefix), make(prefix), make(prefix)];
    const taken = await Promise.all(nodes.flatMap((n) => [n.firstTime('m1'), n.firstTime('m1')]));
    expect(taken.filter(Boolean)).toHaveLength(1);
    expect(await nodes[2]!.firstTime('m2')).toBe(true);
    expect(await nodes[0]!.firstTime('m2')).toBe(false);
  });
});
