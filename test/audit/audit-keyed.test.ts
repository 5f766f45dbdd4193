import { copyFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { verifyAuditEntries } from '../../src/audit/audit-chain.ts';
import { GENESIS_HASH } from '../../src/audit/audit-hash.ts';
import { deriveAuditKeys } from '../../src/audit/audit-keys.ts';
import type { SignedAuditCheckpoint } from '../../src/contracts/audit-log.ts';
import { writeHeadFile } from '../../src/audit/head-file.ts';
import { rewriteWithoutKey } from './rewrite-without-key.ts';
import { sampleInput, tamper, useAuditLogs } from './use-audit-log.ts';

const { open, freshPath } = useAuditLogs();
const KEY = Buffer.alloc(32, 0x5a);
const keyDirs: string[] = [];
afterEach(() => {
  for (const dir of keyDirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

/** A log opened the way the server opens it: with the key and its keyed-from marker outside the data dir. */
function keyedOptions(marker?: string) {
  let file = marker;
  if (file === undefined) {
    const dir = mkdtempSync(path.join(tmpdir(), 'kefu-audit-keys-'));
    keyDirs.push(dir);
    file = path.join(dir, 'audit-keyed-from.json');
  }
  return { key: KEY, keyedFromPath: file };
}

const problemOf = (r: { ok: boolean; problem?: unknown }) => {
  expect(r.ok).toBe(false);
  return r.problem;
};

describe('the keyed audit chain', () => {
  it('signs entries and the head file with the key; the plain-hash rewrite of chain and head that an unkeyed log cannot see is caught', () => {
    // The unkeyed log first: the same rewrite passes, which is the finding.
    const plain = open();
    for (let i = 1; i <= 10; i++) plain.log.append(sampleInput(i));
    rewriteWithoutKey(plain.path);
    expect(plain.log.verify().ok).toBe(true);

    const options = keyedOptions();
    const { log, path: file } = open(options);
    const entries = Array.from({ length: 10 }, (_, i) => log.append(sampleInput(i + 1)));
    expect(entries.every((e) => e.v === 2)).toBe(true);
    expect(log.verify()).toMatchObject({ ok: true, entries: 10 });
    expect(JSON.parse(readFileSync(`${file}.head`, 'utf8'))).toMatchObject({ format: 'kefu-audit-head/2', seq: 10, mac: expect.stringMatching(/^[0-9a-f]{64}$/) });

    rewriteWithoutKey(file);
    expect(problemOf(log.verify())).toMatchObject({ seq: 1, kind: 'unkeyed_entry' });
    // A restarted server (and `kefu audit verify`) reads the marker outside the data dir: same finding.
    const reopened = open({ ...options, path: file, writeKeyedFrom: false });
    expect(problemOf(reopened.log.verify())).toMatchObject({ seq: 1, kind: 'unkeyed_entry' });
  });

  it('keyed entries rewritten with a guessed MAC, or an entry edited: hash_mismatch', () => {
    const { log, path: file } = open(keyedOptions());
    for (let i = 1; i <= 5; i++) log.append(sampleInput(i));
    tamper(file, "UPDATE audit_entries SET content = 'edited' WHERE seq = 3");
    expect(problemOf(log.verify())).toMatchObject({ seq: 3, kind: 'hash_mismatch', detail: expect.stringMatching(/MAC under the audit key/) });
  });

  it('an old unkeyed log still verifies when the key arrives; entries from then on are keyed, and downgrading them fails', () => {
    const file = freshPath();
    const old = open({ path: file });
    for (let i = 1; i <= 5; i++) old.log.append(sampleInput(i));
    old.log.close();

    const options = keyedOptions();
    const { log } = open({ ...options, path: file });
    expect(log.verify()).toMatchObject({ ok: true, entries: 5 });
    for (let i = 6; i <= 10; i++) log.append(sampleInput(i));
    expect(log.verify()).toMatchObject({ ok: true, entries: 10 });
    expect(JSON.parse(readFileSync(options.keyedFromPath, 'utf8'))).toMatchObject({ keyedFrom: 6 });

    rewriteWithoutKey(file, 6);
    expect(problemOf(log.verify())).toMatchObject({ seq: 6, kind: 'unkeyed_entry', detail: expect.stringMatching(/keyed from entry 6/) });
  });

  it('a truncated tail with a head file forged to match: the head file is not signed', () => {
    const { log, path: file, } = open(keyedOptions());
    const entries = Array.from({ length: 10 }, (_, i) => log.append(sampleInput(i + 1)));
    tamper(file, 'DELETE FROM audit_entries WHERE seq > 8');
    tamper(file, 'UPDATE audit_head SET seq = 8, hash = ? WHERE id = 1', entries[7]!.hash);
    writeHeadFile(`${file}.head`, { seq: 8, hash: entries[7]!.hash, checkpointSeq: 0, checkpointHash: GENESIS_HASH, mismatch: null });
    expect(problemOf(log.verify())).toMatchObject({ kind: 'checkpoint_mismatch', detail: expect.stringMatching(/not signed with the audit key/) });
    writeFileSync(`${file}.head`, readFileSync(`${file}.head`, 'utf8').replace('"format":"kefu-audit-head/1"', '"format":"kefu-audit-head/2","mac":"' + 'ab'.repeat(32) + '"'));
    expect(problemOf(log.verify())).toMatchObject({ kind: 'checkpoint_mismatch', detail: expect.stringMatching(/signature does not match/) });
  });

  it('a signed checkpoint from the logs catches a rollback that nothing on the host can see', () => {
    const { log, path: file } = open(keyedOptions());
    const entries = Array.from({ length: 8 }, (_, i) => log.append(sampleInput(i + 1)));
    copyFileSync(`${file}.head`, `${file}.head-at-8`);
    entries.push(log.append(sampleInput(9)), log.append(sampleInput(10)));
    const checkpoint = log.signedCheckpoint()!;
    expect(checkpoint).toMatchObject({ format: 'kefu-audit-checkpoint/1', seq: 10, hash: entries[9]!.hash });
    expect(log.verifyCheckpoint(checkpoint)).toBeNull();

    // Rolled back to the state at entry 8, with that state's genuine head file.
    tamper(file, 'DELETE FROM audit_entries WHERE seq > 8');
    tamper(file, 'UPDATE audit_head SET seq = 8, hash = ? WHERE id = 1', entries[7]!.hash);
    copyFileSync(`${file}.head-at-8`, `${file}.head`);
    expect(log.verify().ok).toBe(true);
    expect(log.verifyCheckpoint(checkpoint)).toMatchObject({ seq: 9, kind: 'checkpoint_mismatch', detail: expect.stringMatching(/records entry 10 but the log ends at entry 8/) });

    const forged: SignedAuditCheckpoint = { ...checkpoint, seq: 8, hash: entries[7]!.hash };
    expect(log.verifyCheckpoint(forged)).toMatchObject({ kind: 'checkpoint_mismatch', detail: expect.stringMatching(/not signed by this log's audit key/) });
  });

  it('prunes a keyed log behind a checkpoint, refuses to prune a downgraded one, and its export verifies with the key', () => {
    let t = Date.parse('2025-01-01T00:00:00Z');
    const file = freshPath();
    const old = open({ path: file, now: () => t });
    for (let i = 1; i <= 4; i++, t += 86_400_000) old.log.append(sampleInput(i));
    old.log.close();
    const options = { ...keyedOptions(), path: file, now: () => t };
    const { log } = open(options);
    for (let i = 5; i <= 10; i++, t += 86_400_000) log.append(sampleInput(i));
    // Entries 1–6 (four unkeyed, two keyed) are more than four days old.
    expect(log.prune(4 * 86_400_000)).toMatchObject({ removed: 6, checkpoint: { seq: 6 } });
    expect(log.verify()).toMatchObject({ ok: true, entries: 4, firstSeq: 7 });
    const exported = [...log.export()];
    expect(verifyAuditEntries(exported, { seq: 6, hash: log.verify().checkpoint!.hash }, { entryKey: deriveAuditKeys(KEY).entry, keyedFrom: 5 })).toMatchObject({ ok: true, entries: 4 });
    expect(verifyAuditEntries(exported, { seq: 6, hash: log.verify().checkpoint!.hash })).toMatchObject({ ok: false, problem: { seq: 7, detail: expect.stringMatching(/KEFU_AUDIT_KEY/) } });

    rewriteWithoutKey(file, 9);
    // Everything is old enough now: the downgraded entries 9 and 10 are in the part to delete.
    t += 5 * 86_400_000;
    expect(() => log.prune(4 * 86_400_000)).toThrow(/audit log broken at seq 9: entry 9 has a plain hash/);
  });

  it('emits signed checkpoints at open, every N entries and at close', () => {
    const emitted: SignedAuditCheckpoint[] = [];
    const options = { ...keyedOptions(), checkpoints: { everyEntries: 3, everyMs: 3_600_000, emit: (c: SignedAuditCheckpoint) => emitted.push(c) } };
    const { log, path: file } = open(options);
    for (let i = 1; i <= 7; i++) log.append(sampleInput(i));
    log.close();
    expect(emitted.map((c) => c.seq)).toEqual([3, 6, 7]);
    const again = open({ ...options, path: file });
    expect(emitted.map((c) => c.seq)).toEqual([3, 6, 7, 7]);
    for (const c of emitted) expect(again.log.verifyCheckpoint(c)).toBeNull();
  });

  it('without the key, keyed entries cannot be verified and say what to set', () => {
    const options = keyedOptions();
    const { log, path: file } = open(options);
    log.append(sampleInput(1));
    log.close();
    const unkeyed = open({ path: file, headFile: false });
    expect(problemOf(unkeyed.log.verify())).toMatchObject({ seq: 1, detail: expect.stringMatching(/KEFU_AUDIT_KEY/) });
  });
});
