import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { createSqliteWecomDedupe, type SqliteWecomDedupe } from '../../../src/channels/wecom/sqlite-wecom-dedupe.ts';
import { createMemoryWecomDedupe, type WecomDedupe } from '../../../src/channels/wecom/wecom-dedupe.ts';

/** What every dedupe must do, with a clock the test moves. */
function behavesAsDedupe(make: (now: () => number) => WecomDedupe) {
  it('answers true once per key, false for repeats, true again after the TTL', () => {
    let clock = 1_000_000;
    const d = make(() => clock);
    expect(d.firstTime('4561255354251345929')).toBe(true);
    expect(d.firstTime('4561255354251345929')).toBe(false);
    expect(d.firstTime('other')).toBe(true);
    clock += 60_000;
    expect(d.firstTime('4561255354251345929')).toBe(false);
    clock += 3_600_001;
    expect(d.firstTime('4561255354251345929')).toBe(true);
    expect(d.firstTime('4561255354251345929')).toBe(false);
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
