import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { verifyAuditEntries } from '../../src/audit/audit-chain.ts';
import { parseAuditLine } from '../../src/audit/audit-jsonl.ts';
import { createSqliteAuditLog } from '../../src/audit/audit-log.ts';
import type { AuditEntry } from '../../src/contracts/audit-log.ts';
import { sampleInput, tamper } from './use-audit-log.ts';

const CLI = fileURLToPath(new URL('./fixtures/audit-cli.ts', import.meta.url));

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

function kefu(args: string[], env: Record<string, string>): Promise<Run> {
  return new Promise((resolve) => {
    execFile(process.execPath, ['--import', 'tsx', CLI, ...args], { env: { ...process.env, ...env }, timeout: 60_000 }, (err, stdout, stderr) => {
      resolve({ code: err === null ? 0 : typeof err.code === 'number' ? err.code : 1, stdout, stderr });
    });
  });
}

const DAY = 24 * 60 * 60 * 1000;

describe('kefu audit', () => {
  let dir: string;
  let env: Record<string, string>;
  let db: string;
  let entries: AuditEntry[];
  beforeAll(() => {
    dir = mkdtempSync(path.join(tmpdir(), 'kefu-audit-cli-'));
    env = { KEFU_DATA_DIR: path.join(dir, 'data') };
    db = path.join(dir, 'data', 'audit.db');
    // Thirty entries a day apart, the last written an hour ago.
    let t = Date.now() - 29 * DAY - 3600_000;
    const log = createSqliteAuditLog({ path: db, now: () => t });
    entries = Array.from({ length: 30 }, (_, i) => {
      const e = log.append(sampleInput(i));
      t += DAY;
      return e;
    });
    log.close();
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('verify: a summary and exit 0 on the default database', async () => {
    const run = await kefu(['audit', 'verify'], env);
    expect(run).toMatchObject({ code: 0, stderr: '' });
    expect(run.stdout).toBe(`audit log ok: 30 entries (seq 1–30), head ${entries[29]!.hash}\n`);
  });

  it('export: JSONL to stdout or a file, within bounds, verifying on its own', async () => {
    const all = await kefu(['audit', 'export'], env);
    expect(all.code).toBe(0);
    const exported = all.stdout.trimEnd().split('\n').map(parseAuditLine);
    expect(exported).toEqual(entries);
    expect(verifyAuditEntries(exported)).toMatchObject({ ok: true, entries: 30 });

    const file = path.join(dir, 'part.jsonl');
    const part = await kefu(['audit', 'export', '--from', '3', '--to', '5', '-o', file, '--db', db], env);
    expect(part).toMatchObject({ code: 0, stdout: '', stderr: `exported 3 entries to ${file}\n` });
    expect(readFileSync(file, 'utf8').trimEnd().split('\n').map(parseAuditLine)).toEqual(entries.slice(2, 5));

    const bad = await kefu(['audit', 'export', '--from', 'x'], env);
    expect(bad).toMatchObject({ code: 1, stderr: 'kefu: --from must be an integer ≥ 1, got x (invalid_seq)\n' });
  });

  it('verify: exit 1 with where the log broke; --json prints the finding too', async () => {
    const copy = path.join(dir, 'tampered.db');
    const log = createSqliteAuditLog({ path: copy });
    for (let i = 0; i < 6; i++) log.append(sampleInput(i));
    log.close();
    tamper(copy, 'DELETE FROM audit_entries WHERE seq = 4');

    const run = await kefu(['audit', 'verify', '--db', copy], env);
    expect(run).toMatchObject({ code: 1, stdout: '' });
    expect(run.stderr).toBe('kefu: audit log broken at seq 4: entry 4 is missing: the next entry is 5 (audit_broken)\n');

    const json = await kefu(['audit', 'verify', '--db', copy, '--json'], env);
    expect(json.code).toBe(1);
    expect(JSON.parse(json.stdout)).toMatchObject({ ok: false, entries: 5, problem: { seq: 4, kind: 'gap' } });

    const missing = await kefu(['audit', 'verify', '--db', path.join(dir, 'nope.db')], env);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toMatch(/^kefu: no audit log at .*nope\.db \(audit_log_missing\)\n$/);

    const other = path.join(dir, 'other.db');
    const raw = new Database(other);
    raw.exec('CREATE TABLE notes (id INTEGER PRIMARY KEY)');
    raw.close();
    const wrong = await kefu(['audit', 'verify', '--db', other], env);
    expect(wrong).toMatchObject({ code: 1, stderr: `kefu: ${other} is not a Kefu audit log (audit_log_missing)\n` });
    const tables = new Database(other, { readonly: true });
    expect(tables.prepare("SELECT name FROM sqlite_master WHERE type = 'table'").pluck().all()).toEqual(['notes']);
    tables.close();
  });

  it('verify --no-head-file checks a copy without its head file', async () => {
    const copy = path.join(dir, 'copied.db');
    const log = createSqliteAuditLog({ path: copy });
    log.append(sampleInput(1));
    log.close();
    rmSync(`${copy}.head`);
    expect((await kefu(['audit', 'verify', '--db', copy], env)).stderr).toMatch(/^kefu: audit log broken at seq 1: the head file .* is missing/);
    expect(await kefu(['audit', 'verify', '--db', copy, '--no-head-file'], env)).toMatchObject({ code: 0, stdout: expect.stringMatching(/^audit log ok: 1 entries/) });
  });

  it('prune: deletes old entries, keeps the rest verifiable, validates its option', async () => {
    const run = await kefu(['audit', 'prune', '--older-than-days', '10'], env);
    expect(run.code).toBe(0);
    // Entries 1–20 are 10+ days old (entry 20 was written 10 days and an hour ago).
    expect(run.stdout).toBe(`pruned 20 entries older than 10 days; verification starts after entry 20 (hash ${entries[19]!.hash})\n`);
    const verified = await kefu(['audit', 'verify'], env);
    expect(verified.stdout).toMatch(/^audit log ok: 10 entries \(seq 21–30\), head [0-9a-f]{64}; entries up to 20 were pruned\n$/);

    for (const days of ['0', 'ten', '1.5']) {
      const bad = await kefu(['audit', 'prune', '--older-than-days', days], env);
      expect(bad.code).toBe(1);
      expect(bad.stderr).toMatch(/^kefu: --older-than-days must be a whole number of days ≥ 1/);
    }
    expect((await kefu(['audit', 'prune'], env)).code).not.toBe(0);
    // Six CLI processes, about 2 s each on a quiet machine: under the full suite's load they took over 30 s once.
  }, 90_000);
});
