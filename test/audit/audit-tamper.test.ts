import { rmSync, writeFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { hashAuditEntry } from '../../src/audit/audit-hash.ts';
import type { AuditEntry } from '../../src/contracts/audit-log.ts';
import { rawRow, sampleInput, tamper, useAuditLogs } from './use-audit-log.ts';

const { open } = useAuditLogs();

/** A log of ten entries (with its head file) and the entries as appended. */
function tenEntries(options: { headFile?: boolean } = {}) {
  const opened = open(options);
  const entries: AuditEntry[] = [];
  for (let i = 1; i <= 10; i++) entries.push(opened.log.append(sampleInput(i)));
  expect(opened.log.verify().ok).toBe(true);
  return { ...opened, entries };
}

const problemOf = (r: { ok: boolean; problem?: unknown }) => {
  expect(r.ok).toBe(false);
  return r.problem;
};

describe('audit log verification catches tampering through a second connection', () => {
  it('an edited content: hash_mismatch at that entry', () => {
    const { log, path } = tenEntries();
    tamper(path, 'UPDATE audit_entries SET content = ? WHERE seq = 5', '您好，退款已完成。');
    expect(problemOf(log.verify())).toMatchObject({ seq: 5, kind: 'hash_mismatch', detail: expect.stringMatching(/edited/) });
  });

  it('an edited model, latency, guard or timestamp: hash_mismatch', () => {
    const edits: [string, unknown][] = [
      ["UPDATE audit_entries SET model = 'gpt-4o' WHERE seq = 3", 3],
      ['UPDATE audit_entries SET latency_ms = 1 WHERE seq = 4', 4],
      [`UPDATE audit_entries SET guard = '{"pii":"masked","grounding":{"score":0.99,"pass":true}}' WHERE seq = 6`, 6],
      ["UPDATE audit_entries SET at = '2020-01-01T00:00:00.000Z' WHERE seq = 7", 7],
      ["UPDATE audit_entries SET guard = '{not json' WHERE seq = 8", 8],
    ];
    for (const [sql, seq] of edits) {
      const { log, path } = tenEntries({ headFile: false });
      tamper(path, sql);
      expect(problemOf(log.verify())).toMatchObject({ seq, kind: 'hash_mismatch' });
    }
  });

  it('a deleted middle entry: gap', () => {
    const { log, path } = tenEntries();
    tamper(path, 'DELETE FROM audit_entries WHERE seq = 5');
    expect(problemOf(log.verify())).toMatchObject({ seq: 5, kind: 'gap', detail: 'entry 5 is missing: the next entry is 6' });
    tamper(path, 'DELETE FROM audit_entries WHERE seq IN (6, 7)');
    expect(problemOf(log.verify())).toMatchObject({ seq: 5, kind: 'gap', detail: 'entries 5–7 are missing: the next entry is 8' });
  });

  it('two entries swapped by seq: caught at the first of them', () => {
    const { log, path } = tenEntries();
    tamper(path, 'UPDATE audit_entries SET seq = -1 WHERE seq = 4; UPDATE audit_entries SET seq = 4 WHERE seq = 6; UPDATE audit_entries SET seq = 6 WHERE seq = -1;');
    expect(problemOf(log.verify())).toMatchObject({ seq: 4, kind: 'hash_mismatch' });
  });

  it('a truncated tail: the last row deleted is caught by audit_head', () => {
    const { log, path } = tenEntries();
    tamper(path, 'DELETE FROM audit_entries WHERE seq = 10');
    expect(problemOf(log.verify())).toEqual({
      seq: 10,
      kind: 'checkpoint_mismatch',
      detail: 'audit_head records entry 10 but the log ends at entry 9: entry 10 is missing from the end',
    });
  });

  it('an entry rewritten with a recomputed hash: caught by the next link', () => {
    const { log, path, entries } = tenEntries();
    const forged = { ...entries[4]!, content: '您好，此订单不支持退款。' };
    tamper(path, 'UPDATE audit_entries SET content = ?, hash = ? WHERE seq = 5', forged.content, hashAuditEntry(forged));
    expect(problemOf(log.verify())).toMatchObject({ seq: 6, kind: 'broken_link', detail: expect.stringMatching(/entry 5 was rewritten/) });
  });

  it('the last entry rewritten with a recomputed hash: caught by audit_head', () => {
    const { log, path, entries } = tenEntries();
    const forged = { ...entries[9]!, content: 'forged' };
    tamper(path, 'UPDATE audit_entries SET content = ?, hash = ? WHERE seq = 10', forged.content, hashAuditEntry(forged));
    expect(problemOf(log.verify())).toMatchObject({ seq: 10, kind: 'checkpoint_mismatch' });
  });

  it('a whole chain rebuilt from a forged entry on: caught by the head file, not without it', () => {
    for (const headFile of [true, false]) {
      const { log, path, entries } = tenEntries({ headFile });
      let prevHash = entries[7]!.hash;
      for (const original of entries.slice(8)) {
        const forged: AuditEntry = { ...original, content: `${original.content} (edited)`, prevHash };
        forged.hash = hashAuditEntry(forged);
        tamper(path, 'UPDATE audit_entries SET content = ?, prev_hash = ?, hash = ? WHERE seq = ?', forged.content, forged.prevHash, forged.hash, forged.seq);
        prevHash = forged.hash;
      }
      tamper(path, 'UPDATE audit_head SET hash = ? WHERE id = 1', prevHash);
      if (headFile) expect(problemOf(log.verify())).toMatchObject({ seq: 10, kind: 'checkpoint_mismatch', detail: expect.stringMatching(/head file/) });
      // What a local log cannot see: the database rewritten consistently, with no copy outside it.
      else expect(log.verify().ok).toBe(true);
    }
  });

  it('a tail truncation that also rewinds audit_head: caught by the head file, even after more appends', () => {
    const { log, path, entries } = tenEntries();
    tamper(path, 'DELETE FROM audit_entries WHERE seq >= 8');
    tamper(path, 'UPDATE audit_head SET seq = 7, hash = ? WHERE id = 1', entries[6]!.hash);
    const expected = { seq: 8, kind: 'checkpoint_mismatch', detail: expect.stringMatching(/^the head file records entry 10 but the log ends at entry 7/) };
    expect(problemOf(log.verify())).toMatchObject(expected);

    // Appending again reuses seqs 8–11; the head file keeps the disagreement it found.
    for (let i = 0; i < 4; i++) log.append(sampleInput(100 + i));
    expect(problemOf(log.verify())).toMatchObject({ ...expected, detail: expect.stringMatching(/found by the append of entry 8 at /) });
  });

  it('a missing or unreadable head file is reported; deleting it on purpose lets the next append start anew', () => {
    const { log, path } = tenEntries();
    writeFileSync(`${path}.head`, 'garbage');
    expect(problemOf(log.verify())).toMatchObject({ kind: 'checkpoint_mismatch', detail: expect.stringMatching(/unreadable/) });
    rmSync(`${path}.head`);
    expect(problemOf(log.verify())).toMatchObject({ seq: 10, kind: 'checkpoint_mismatch', detail: expect.stringMatching(/is missing/) });
    log.append(sampleInput(11));
    expect(log.verify()).toMatchObject({ ok: true, entries: 11 });
  });

  it('rows added behind Kefu’s back, past the recorded head', () => {
    const { log, path, entries } = tenEntries({ headFile: false });
    const extra: AuditEntry = { ...entries[9]!, seq: 11, prevHash: entries[9]!.hash, content: 'inserted' };
    extra.hash = hashAuditEntry(extra);
    const row = rawRow(path, 10);
    tamper(
      path,
      'INSERT INTO audit_entries (seq, at, kind, session_id, channel, content, model, prompt_version, sources, guard, latency_ms, meta, prev_hash, hash) VALUES (11, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, NULL, ?, ?)',
      row['at'], row['kind'], row['session_id'], row['channel'], 'inserted', row['model'], row['prompt_version'], row['sources'], row['guard'], row['latency_ms'], extra.prevHash, extra.hash,
    );
    expect(problemOf(log.verify())).toMatchObject({ seq: 11, kind: 'checkpoint_mismatch', detail: expect.stringMatching(/added outside Kefu/) });
  });
});
