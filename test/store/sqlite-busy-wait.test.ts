import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, describe, expect, it } from 'vitest';
import type { AuditInput } from '../../src/contracts/audit-log.ts';
import type { StoredMessage } from '../../src/contracts/conversation-store.ts';
import { createSqliteAuditLogStore } from '../../src/audit/sqlite-audit-log-store.ts';
import { openSharedSqlite } from '../../src/store/sqlite/shared-sqlite.ts';
import { createSqliteConversationStore } from '../../src/store/sqlite/sqlite-conversation-store.ts';

/**
 * Issue 16.5: with `--workers N` another process often holds a file's write lock when a group
 * commits. The group waits on the event loop (other requests are served meanwhile), not in
 * SQLite's busy handler with the loop stopped; a lock held too long still fails it.
 */
const root = mkdtempSync(join(tmpdir(), 'kefu-busy-wait-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));
let files = 0;
const dir = (): string => join(root, `db-${++files}`);
const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));
const reply = (content: string): AuditInput => ({ kind: 'reply', sessionId: 's1', channel: 'web', content, model: 'test', promptVersion: null, sources: [], guard: {}, latencyMs: null });
const message = (id: string, conversationId: string): StoredMessage => ({ id, conversationId, role: 'user', content: `text of ${id}`, createdAt: 10, meta: {} });

/** Another process's writer, as far as SQLite can tell: its own connection holding the write lock. */
function holdWriteLock(path: string): { release(): void } {
  const other = new Database(path);
  other.exec('BEGIN IMMEDIATE');
  return {
    release() {
      other.exec('COMMIT');
      other.close();
    },
  };
}

function track<T>(p: Promise<T>): { readonly settled: boolean; promise: Promise<T> } {
  const state = { settled: false, promise: p };
  p.then(() => (state.settled = true), () => (state.settled = true));
  return state;
}

describe('a group commit that meets another process holding the write lock', () => {
  it('waits on the event loop, takes in what arrives meanwhile, and commits once the lock is free', async () => {
    const path = join(dir(), 'kefu.db');
    const store = createSqliteConversationStore({ path });
    await store.migrate();
    await store.createConversation({ id: 'c1', userId: null, channel: 'web', now: 1 });
    const lock = holdWriteLock(path);
    const first = track(store.appendMessages!([message('m1', 'c1')]));
    // In SQLite's busy handler this timer would fire only after the 5 s busy timeout.
    const started = Date.now();
    await sleep(40);
    expect(Date.now() - started).toBeLessThan(1000);
    expect(first.settled).toBe(false);
    const second = track(store.appendMessages!([message('m2', 'c1')]));
    lock.release();
    await Promise.all([first.promise, second.promise]);
    const reader = new Database(path, { readonly: true });
    expect(reader.prepare('SELECT id FROM messages ORDER BY seq').pluck().all()).toEqual(['m1', 'm2']);
    reader.close();
    // The connection's own busy timeout is back for every other use of it.
    expect(openSharedSqlite(path).db.pragma('busy_timeout', { simple: true })).toBe(5000);
    await store.close();
  });

  it('fails its members with SQLITE_BUSY when the lock stays taken, and commits again once it is free', async () => {
    const path = join(dir(), 'kefu.db');
    const store = createSqliteConversationStore({ path, busyTimeoutMs: 50 });
    await store.migrate();
    await store.createConversation({ id: 'c1', userId: null, channel: 'web', now: 1 });
    const lock = holdWriteLock(path);
    const started = Date.now();
    const failed = await store.appendMessages!([message('m1', 'c1')]).then(() => 'resolved', (e: { code?: string }) => e.code);
    expect(failed).toBe('SQLITE_BUSY');
    // About a second on the event loop, then the connection's own busy timeout.
    expect(Date.now() - started).toBeGreaterThanOrEqual(1000);
    lock.release();
    await store.appendMessages!([message('m2', 'c1')]);
    expect((await store.listMessages('c1')).map((m) => m.id)).toEqual(['m2']);
    await store.close();
  });

  it('does the same for the audit log: the append waits, then chains on what the other writer left', async () => {
    const path = join(dir(), 'audit.db');
    const log = createSqliteAuditLogStore({ path, headFile: false });
    await log.append(reply('first'));
    const lock = holdWriteLock(path);
    const pending = track(log.append(reply('second')));
    await sleep(40);
    expect(pending.settled).toBe(false);
    lock.release();
    expect((await pending.promise).seq).toBe(2);
    expect((await log.verify()).ok).toBe(true);
    await log.close();
  });
});
