import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import Database from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import { createSqliteAuditLogStore } from '../../src/audit/sqlite-audit-log-store.ts';
import type { AuditEntry, AuditLog } from '../../src/contracts/audit-log.ts';
import { sampleInput, tamper } from './use-audit-log.ts';

/** Issue 16: audit appends made at once (concurrent customers' turns) share one commit of audit.db. */
const dirs: string[] = [];
const logs: AuditLog[] = [];
afterEach(async () => {
  for (const log of logs.splice(0)) await log.close();
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

function open(): { log: AuditLog; file: string } {
  const dir = mkdtempSync(path.join(tmpdir(), 'kefu-audit-group-'));
  dirs.push(dir);
  const file = path.join(dir, 'audit.db');
  const log = createSqliteAuditLogStore({ path: file });
  logs.push(log);
  return { log, file };
}

/** Cuts the WAL to nothing from a second connection; then every commit adds at least one frame. */
function cutWal(file: string): void {
  const db = new Database(file);
  try {
    db.pragma('wal_checkpoint(TRUNCATE)');
  } finally {
    db.close();
  }
}
/** `kefu audit verify --db FILE`, as an operator runs it. */
function kefuAuditVerify(file: string): Promise<{ code: number; stdout: string }> {
  const cli = fileURLToPath(new URL('./fixtures/audit-cli.ts', import.meta.url));
  return new Promise((resolve) => {
    execFile(process.execPath, ['--import', 'tsx', cli, 'audit', 'verify', '--db', file], { timeout: 60_000 }, (err, stdout) => {
      resolve({ code: err === null ? 0 : typeof err.code === 'number' ? err.code : 1, stdout });
    });
  });
}
const walFrames = (file: string): number => Math.max(0, (statSync(`${file}-wal`).size - 32) / (4096 + 24));

describe('audit appends made at once', () => {
  it('share one commit, take their seqs in the order of the calls, and verify', async () => {
    const { log, file } = open();
    await log.append(sampleInput(0));
    cutWal(file);
    const entries = await Promise.all(Array.from({ length: 30 }, (_, i) => log.append(sampleInput(i + 1))));
    expect(walFrames(file)).toBeLessThan(30); // one commit each would leave at least thirty frames
    expect(entries.map((e) => e.seq)).toEqual(Array.from({ length: 30 }, (_, i) => i + 2));
    expect(entries.map((e) => e.content)).toEqual(Array.from({ length: 30 }, (_, i) => sampleInput(i + 1).content));
    for (const [i, e] of entries.entries()) if (i > 0) expect(e.prevHash).toBe(entries[i - 1]!.hash);
    const verified = await log.verify();
    expect(verified).toMatchObject({ ok: true, entries: 31, lastSeq: 31, headHash: entries.at(-1)!.hash });
    expect(await kefuAuditVerify(file)).toEqual({ code: 0, stdout: `audit log ok: 31 entries (seq 1–31), head ${entries.at(-1)!.hash}\n` });
  });

  it('a failing append fails alone, without a gap in the chain', async () => {
    const { log, file } = open();
    await log.append(sampleInput(0));
    // A database that refuses one row, as a full disk or a constraint would refuse one statement.
    tamper(file, "CREATE TRIGGER refuse BEFORE INSERT ON audit_entries WHEN NEW.content = 'refused' BEGIN SELECT RAISE(ABORT, 'refused'); END");
    cutWal(file);
    await log.append(sampleInput(1));
    const oneCommit = walFrames(file);
    cutWal(file);
    const results = await Promise.all(
      [sampleInput(2), sampleInput(3, { content: 'refused' }), sampleInput(4)].map((input) =>
        log.append(input).then((e: AuditEntry) => e.seq, (e: Error) => e.message),
      ),
    );
    expect(results).toEqual([3, 'refused', 4]);
    expect(walFrames(file)).toBeLessThan(2 * oneCommit);
    tamper(file, 'DROP TRIGGER refuse');
    expect(await log.verify()).toMatchObject({ ok: true, entries: 4, lastSeq: 4 });
  });

  it('an input refused before any write fails alone too, and the head file follows the group', async () => {
    const { log, file } = open();
    const results = await Promise.all(
      [sampleInput(1), sampleInput(2, { latencyMs: -1 }), sampleInput(3), sampleInput(4)].map((input) =>
        log.append(input).then((e: AuditEntry) => e.seq, (e: { code?: string }) => e.code),
      ),
    );
    expect(results).toEqual([1, 'invalid_audit_entry', 2, 3]);
    const head = new Database(file, { readonly: true });
    try {
      const last = head.prepare('SELECT at FROM audit_entries WHERE seq = 3').get() as { at: string };
      expect(head.prepare('SELECT seq, updated_at FROM audit_head').get()).toEqual({ seq: 3, updated_at: Date.parse(last.at) });
    } finally {
      head.close();
    }
    expect(await kefuAuditVerify(file)).toMatchObject({ code: 0 });
  });

  it('a verification sees every append made before it, settled or not', async () => {
    const { log } = open();
    const appends = [1, 2, 3].map((i) => log.append(sampleInput(i)));
    expect(await log.verify()).toMatchObject({ ok: true, entries: 3 });
    expect((await Promise.all(appends)).map((e) => e.seq)).toEqual([1, 2, 3]);
  });
});
