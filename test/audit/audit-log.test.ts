import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync, rmSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { GENESIS_HASH } from '../../src/audit/audit-hash.ts';
import type { AuditEntry } from '../../src/contracts/audit-log.ts';
import { useAuditLogs, sampleInput } from './use-audit-log.ts';

const { open } = useAuditLogs();
const sha256 = (text: string): string => createHash('sha256').update(text, 'utf8').digest('hex');

describe('SQLite audit log: appending and verifying', () => {
  it('chains many entries and verifies them, reporting progress', () => {
    let t = Date.parse('2025-06-01T00:00:00Z');
    const { log } = open({ now: () => (t += 250), headFile: false });
    const appended: AuditEntry[] = [];
    for (let i = 0; i < 2500; i++) appended.push(log.append(sampleInput(i)));

    expect(appended[0]).toMatchObject({ seq: 1, prevHash: GENESIS_HASH, at: '2025-06-01T00:00:00.250Z' });
    for (let i = 1; i < appended.length; i++) {
      expect(appended[i]!.seq).toBe(i + 1);
      expect(appended[i]!.prevHash).toBe(appended[i - 1]!.hash);
    }
    const progress: [number, number][] = [];
    const result = log.verify((done, total) => progress.push([done, total]));
    expect(result).toEqual({ ok: true, entries: 2500, firstSeq: 1, lastSeq: 2500, headHash: appended.at(-1)!.hash, checkpoint: null });
    expect(progress).toEqual([[1000, 2500], [2000, 2500], [2500, 2500]]);
  });

  it('verifies an empty log', () => {
    const { log } = open();
    expect(log.verify()).toEqual({ ok: true, entries: 0, firstSeq: null, lastSeq: null, headHash: null, checkpoint: null });
  });

  it('hashes the canonical JSON (sorted keys, no whitespace) of every field except hash', () => {
    const { log } = open({ now: () => Date.parse('2025-06-01T08:00:00Z') });
    const entry = log.append(sampleInput(1, { content: '退款 "ok"\n', meta: { z: 1, a: [true, null, 'é'] }, latencyMs: 12.5 }));
    const canonical =
      '{"at":"2025-06-01T08:00:00.000Z","channel":"wecom","content":"退款 \\"ok\\"\\n",' +
      '"guard":{"grounding":{"pass":true,"score":0.82},"pii":"masked"},"kind":"reply","latencyMs":12.5,' +
      '"meta":{"a":[true,null,"é"],"z":1},"model":"kefu-tiny-zh-en",' +
      `"prevHash":"${GENESIS_HASH}","promptVersion":"grounded-v3","seq":1,"sessionId":"s-1",` +
      '"sources":["kb:refund-policy#1","kb:shipping#1"]}';
    expect(entry.hash).toBe(sha256(canonical));
    expect([...log.export()]).toEqual([entry]);
  });

  it('stores what it hashed: JSON fields are normalised, lone surrogates replaced', () => {
    const { log } = open();
    const when = new Date('2025-01-02T03:04:05Z');
    const entry = log.append(sampleInput(1, { content: 'broken \uD800 text', guard: { skipped: undefined, when }, meta: { n: 1 } }));
    expect(entry.content).toBe('broken \uFFFD text');
    expect(entry.guard).toEqual({ when: '2025-01-02T03:04:05.000Z' });
    expect([...log.export()]).toEqual([entry]);
    expect(log.verify().ok).toBe(true);
  });

  it('rejects malformed input without appending anything', () => {
    const { log } = open();
    const bad = [
      sampleInput(1, { kind: 'thought' as never }),
      sampleInput(1, { latencyMs: Number.NaN }),
      sampleInput(1, { latencyMs: -1 }),
      sampleInput(1, { sources: 'kb:1' as never }),
      sampleInput(1, { guard: [] as never }),
      sampleInput(1, { sessionId: '' }),
      sampleInput(1, { meta: { big: 1n } as never }),
    ];
    for (const input of bad) expect(() => log.append(input)).toThrow(expect.objectContaining({ code: 'invalid_audit_entry', status: 400 }));
    expect(log.append(sampleInput(2)).seq).toBe(1);
  });

  it('mirrors the head to <path>.head in each append, and appends nothing if it cannot', () => {
    const { log, path } = open();
    const first = log.append(sampleInput(1));
    expect(JSON.parse(readFileSync(`${path}.head`, 'utf8'))).toEqual({
      format: 'kefu-audit-head/1',
      seq: 1,
      hash: first.hash,
      checkpointSeq: 0,
      checkpointHash: GENESIS_HASH,
      mismatch: null,
    });
    rmSync(`${path}.head`);
    mkdirSync(`${path}.head`);
    expect(() => log.append(sampleInput(2))).toThrow(expect.objectContaining({ code: 'audit_head_write_failed' }));
    expect([...log.export()]).toEqual([first]);
    rmSync(`${path}.head`, { recursive: true });
    expect(log.append(sampleInput(3))).toMatchObject({ seq: 2, prevHash: first.hash });
    expect(log.verify().ok).toBe(true);
  });

  it('refuses to work once closed', () => {
    const { log } = open();
    log.close();
    expect(() => log.append(sampleInput(1))).toThrow(expect.objectContaining({ code: 'audit_closed' }));
    expect(() => log.verify()).toThrow(expect.objectContaining({ code: 'audit_closed' }));
    log.close();
  });
});

describe('SQLite audit log: export', () => {
  it('streams every entry oldest first, page by page, within inclusive bounds', () => {
    const { log } = open({ headFile: false });
    const appended = Array.from({ length: 1203 }, (_, i) => log.append(sampleInput(i)));
    expect([...log.export()]).toEqual(appended);
    expect([...log.export({ fromSeq: 499, toSeq: 1001 })]).toEqual(appended.slice(498, 1001));
    expect([...log.export({ fromSeq: 1203 })]).toEqual([appended[1202]]);
    expect([...log.export({ fromSeq: 2000 })]).toEqual([]);
    expect(() => log.export({ fromSeq: -1 })).toThrow(expect.objectContaining({ code: 'invalid_argument' }));
  });

  it('leaves the connection free between pages, so appends go on during a long export', () => {
    const { log } = open({ headFile: false });
    for (let i = 0; i < 600; i++) log.append(sampleInput(i));
    const seen: number[] = [];
    for (const entry of log.export()) {
      seen.push(entry.seq);
      if (entry.seq === 10) log.append(sampleInput(600));
    }
    expect(seen).toEqual(Array.from({ length: 601 }, (_, i) => i + 1));
  });
});
