import { describe, expect, it } from 'vitest';
import { verifyAuditEntries } from '../../src/audit/audit-chain.ts';
import { auditJsonlChunks, parseAuditLine } from '../../src/audit/audit-jsonl.ts';
import type { AuditEntry } from '../../src/contracts/audit-log.ts';
import { sampleInput, tamper, useAuditLogs } from './use-audit-log.ts';

const { open } = useAuditLogs();
const DAY = 24 * 60 * 60 * 1000;

/** Twenty entries, one a day from 2025-01-01; the clock then stands at 2025-01-21. */
function twentyDays() {
  let t = Date.parse('2025-01-01T00:00:00Z');
  const clock = { now: () => t };
  const opened = open(clock);
  const entries: AuditEntry[] = [];
  for (let i = 1; i <= 20; i++) {
    entries.push(opened.log.append(sampleInput(i)));
    t += DAY;
  }
  return { ...opened, entries, setNow: (ms: number) => (t = ms) };
}

const linesOf = (entries: Iterable<AuditEntry>): AuditEntry[] =>
  [...auditJsonlChunks(entries, 7)].join('').split('\n').filter((l) => l.length > 0).map(parseAuditLine);

describe('audit log retention', () => {
  it('prunes old entries behind a checkpoint; the rest still verifies and the chain goes on', () => {
    const { log, entries } = twentyDays();
    // Now is 2025-01-21; entries 1–10 were written before 2025-01-11.
    expect(log.prune(10 * DAY)).toEqual({ removed: 10, checkpoint: { seq: 10, hash: entries[9]!.hash } });
    expect(log.verify()).toEqual({ ok: true, entries: 10, firstSeq: 11, lastSeq: 20, headHash: entries[19]!.hash, checkpoint: { seq: 10, hash: entries[9]!.hash } });

    expect(log.prune(10 * DAY)).toEqual({ removed: 0, checkpoint: { seq: 10, hash: entries[9]!.hash } });
    const next = log.append(sampleInput(21));
    expect(next).toMatchObject({ seq: 21, prevHash: entries[19]!.hash });
    expect(log.verify()).toMatchObject({ ok: true, entries: 11 });

    // An export of what remains verifies from the checkpoint.
    const exported = linesOf(log.export());
    expect(exported.map((e) => e.seq)).toEqual([11, 12, 13, 14, 15, 16, 17, 18, 19, 20, 21]);
    expect(verifyAuditEntries(exported, { seq: 10, hash: entries[9]!.hash })).toMatchObject({ ok: true, entries: 11, tail: { seq: 21, hash: next.hash } });
  });

  it('prunes everything when everything is old, and keeps the head to chain on from', () => {
    const { log, entries } = twentyDays();
    expect(log.prune(0)).toMatchObject({ removed: 20, checkpoint: { seq: 20 } });
    expect(log.verify()).toEqual({ ok: true, entries: 0, firstSeq: null, lastSeq: null, headHash: entries[19]!.hash, checkpoint: { seq: 20, hash: entries[19]!.hash } });
    expect(log.append(sampleInput(21))).toMatchObject({ seq: 21, prevHash: entries[19]!.hash });
    expect(log.verify()).toMatchObject({ ok: true, entries: 1 });
  });

  it('does nothing when no entry is old enough', () => {
    const { log } = twentyDays();
    expect(log.prune(30 * DAY)).toEqual({ removed: 0, checkpoint: null });
    expect(() => log.prune(-1)).toThrow(expect.objectContaining({ code: 'invalid_argument' }));
  });

  it('refuses to prune a range that does not verify, so pruning never launders tampering', () => {
    const { log, path } = twentyDays();
    tamper(path, "UPDATE audit_entries SET content = 'edited' WHERE seq = 3");
    expect(() => log.prune(10 * DAY)).toThrow(expect.objectContaining({ code: 'audit_broken', message: expect.stringMatching(/^audit log broken at seq 3: .*nothing was pruned$/) }));
    expect(log.verify()).toMatchObject({ ok: false, entries: 20, problem: { seq: 3, kind: 'hash_mismatch' } });
  });

  it('after pruning: a deleted first entry, a rewritten checkpoint or a faked prune is caught', () => {
    {
      const { log, path } = twentyDays();
      log.prune(10 * DAY);
      tamper(path, 'DELETE FROM audit_entries WHERE seq = 11');
      expect(log.verify()).toMatchObject({ ok: false, problem: { seq: 11, kind: 'gap' } });
    }
    {
      const { log, path } = twentyDays();
      log.prune(10 * DAY);
      tamper(path, `UPDATE audit_head SET checkpoint_hash = '${'ab'.repeat(32)}' WHERE id = 1`);
      expect(log.verify()).toMatchObject({ ok: false, problem: { seq: 11, kind: 'broken_link', detail: expect.stringMatching(/checkpoint/) } });
    }
    {
      // Deleting entries 11–12 and moving the checkpoint to match looks like a prune from inside
      // the database; the head file remembers where the real checkpoint was.
      const { log, path, entries } = twentyDays();
      log.prune(10 * DAY);
      tamper(path, 'DELETE FROM audit_entries WHERE seq <= 12');
      tamper(path, 'UPDATE audit_head SET checkpoint_seq = 12, checkpoint_hash = ? WHERE id = 1', entries[11]!.hash);
      expect(log.verify()).toMatchObject({ ok: false, problem: { seq: 11, kind: 'checkpoint_mismatch', detail: expect.stringMatching(/pruned/) } });
    }
    {
      const { log, path } = twentyDays();
      log.prune(10 * DAY);
      tamper(path, "UPDATE audit_entries SET sources = '[]' WHERE seq = 15");
      expect(log.verify()).toMatchObject({ ok: false, problem: { seq: 15, kind: 'hash_mismatch' } });
    }
  });

  it('an exported chain with a line edited, dropped or moved does not verify', () => {
    const { log } = twentyDays();
    const lines = linesOf(log.export());
    expect(verifyAuditEntries(lines)).toMatchObject({ ok: true, entries: 20 });
    const edited = lines.map((e) => (e.seq === 4 ? { ...e, content: 'x' } : e));
    expect(verifyAuditEntries(edited).problem).toMatchObject({ seq: 4, kind: 'hash_mismatch' });
    expect(verifyAuditEntries(lines.filter((e) => e.seq !== 4)).problem).toMatchObject({ seq: 4, kind: 'gap' });
    const moved = [...lines];
    [moved[3], moved[4]] = [moved[4]!, moved[3]!];
    expect(verifyAuditEntries(moved).problem).toMatchObject({ seq: 4, kind: 'gap', detail: expect.stringMatching(/out of order|missing/) });
  });
});
