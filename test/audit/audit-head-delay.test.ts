import { copyFileSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';
import { describe, expect, it } from 'vitest';
import { hashAuditEntry } from '../../src/audit/audit-hash.ts';
import type { AuditEntry } from '../../src/contracts/audit-log.ts';
import { sampleInput, tamper, useAuditLogs } from './use-audit-log.ts';

const { open } = useAuditLogs();

const headOf = (path: string): { seq: number; hash: string; mismatch: unknown } => JSON.parse(readFileSync(`${path}.head`, 'utf8'));

describe('audit head file written after a delay (headFileDelayMs)', () => {
  it('one rewrite for a batch of appends, caught up within the delay; verify and close catch up at once', async () => {
    const { log, path } = open({ headFileDelayMs: 50 });
    const first = log.append(sampleInput(1));
    await sleep(120);
    expect(headOf(path)).toMatchObject({ seq: 1, hash: first.hash, mismatch: null });
    let last: AuditEntry = first;
    for (let i = 2; i <= 20; i++) last = log.append(sampleInput(i));
    // The batch is committed in the log, the file still names the entry before it…
    expect(headOf(path).seq).toBe(1);
    await sleep(120);
    // …and one rewrite later names the last one.
    expect(headOf(path)).toMatchObject({ seq: 20, hash: last.hash });
    last = log.append(sampleInput(21));
    expect(log.verify()).toMatchObject({ ok: true, entries: 21 });
    expect(headOf(path).seq).toBe(21);
    log.append(sampleInput(22));
    log.close();
    expect(headOf(path).seq).toBe(22);
  });

  it('a crash inside the window leaves a lagging file: accepted while it points into the chain, and caught up by the next append', async () => {
    const { log, path } = open({ headFileDelayMs: 30 });
    for (let i = 1; i <= 5; i++) log.append(sampleInput(i));
    await sleep(80);
    // What the disk holds when the process dies just after appends 6–8: the file from entry 5.
    copyFileSync(`${path}.head`, `${path}.head.at5`);
    for (let i = 6; i <= 8; i++) log.append(sampleInput(i));
    log.close();
    copyFileSync(`${path}.head.at5`, `${path}.head`);

    const after = open({ path, headFileDelayMs: 30 }).log;
    expect(after.verify()).toMatchObject({ ok: true, entries: 8 });
    // The same check without a delay (the CLI's `kefu audit verify`) accepts the lag too.
    expect(open({ path }).log.verify()).toMatchObject({ ok: true, entries: 8 });
    after.append(sampleInput(9));
    await sleep(80);
    expect(headOf(path)).toMatchObject({ seq: 9, mismatch: null });
  });

  it('still catches what the head file is for: a truncated tail, and a lagging file that does not point into the chain', async () => {
    const truncated = open({ headFileDelayMs: 20 });
    const entries: AuditEntry[] = [];
    for (let i = 1; i <= 10; i++) entries.push(truncated.log.append(sampleInput(i)));
    await sleep(60);
    tamper(truncated.path, 'DELETE FROM audit_entries WHERE seq >= 8');
    tamper(truncated.path, 'UPDATE audit_head SET seq = 7, hash = ? WHERE id = 1', entries[6]!.hash);
    expect(truncated.log.verify()).toMatchObject({ ok: false, problem: { seq: 8, kind: 'checkpoint_mismatch', detail: expect.stringMatching(/^the head file records entry 10 but the log ends at entry 7/) } });
    // The next rewrite finds it (against the head it then sees) and keeps it in the file for good.
    truncated.log.append(sampleInput(11));
    await sleep(60);
    expect(headOf(truncated.path).mismatch).toMatchObject({ detail: expect.stringMatching(/^the head file records entry 10 but the log ends at entry 8.*found by the head-file update/) });
    truncated.log.append(sampleInput(12));
    expect(truncated.log.verify()).toMatchObject({ ok: false, problem: { kind: 'checkpoint_mismatch' } });

    const forged = open({ headFileDelayMs: 20 });
    const chain: AuditEntry[] = [];
    for (let i = 1; i <= 6; i++) chain.push(forged.log.append(sampleInput(i)));
    await sleep(60);
    // Entries 4–6 rewritten from a forged entry 4 on, audit_head fixed: the file (at 6) no longer matches.
    let prevHash = chain[2]!.hash;
    for (const original of chain.slice(3)) {
      const f: AuditEntry = { ...original, content: `${original.content} (edited)`, prevHash };
      f.hash = hashAuditEntry(f);
      tamper(forged.path, 'UPDATE audit_entries SET content = ?, prev_hash = ?, hash = ? WHERE seq = ?', f.content, f.prevHash, f.hash, f.seq);
      prevHash = f.hash;
    }
    tamper(forged.path, 'UPDATE audit_head SET hash = ? WHERE id = 1', prevHash);
    expect(forged.log.verify()).toMatchObject({ ok: false, problem: { seq: 6, kind: 'checkpoint_mismatch', detail: expect.stringMatching(/head file/) } });
    // A lagging file whose entry was rewritten is not a lag: entry 5's hash changed too.
    writeFileSync(`${forged.path}.head`, JSON.stringify({ format: 'kefu-audit-head/1', seq: 5, hash: chain[4]!.hash, checkpointSeq: 0, checkpointHash: '0'.repeat(64), mismatch: null }));
    expect(forged.log.verify().ok).toBe(false);
  });

  it('a head file that cannot be written stops the next append, as without a delay', async () => {
    const { log, path } = open({ headFileDelayMs: 20 });
    log.append(sampleInput(1));
    await sleep(60);
    rmSync(`${path}.head`);
    mkdirSync(`${path}.head`);
    log.append(sampleInput(2));
    await sleep(60);
    expect(() => log.append(sampleInput(3))).toThrow(expect.objectContaining({ code: 'audit_head_write_failed' }));
    expect([...log.export()].map((e) => e.seq)).toEqual([1, 2]);
    rmSync(`${path}.head`, { recursive: true });
    expect(log.append(sampleInput(4))).toMatchObject({ seq: 3 });
    expect(log.verify().ok).toBe(true);
  });
});
