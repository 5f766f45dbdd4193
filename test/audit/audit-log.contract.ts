import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { AuditEntry, AuditLog } from '../../src/contracts/audit-log.ts';
import { isKefuError } from '../../src/errors.ts';
import { sampleInput } from './use-audit-log.ts';

export const AUDIT_KEY = Buffer.alloc(32, 0x3c);

/** One empty log's storage; each `open` is another node (or process) appending to it. */
export interface AuditBackend {
  open(options?: { key?: Buffer; now?: () => number }): Promise<AuditLog>;
  /** SQL run as someone with write access to the storage but not the key. */
  tamper(sql: string): Promise<void>;
  close(): Promise<void>;
}

const all = async (log: AuditLog, range?: { fromSeq?: number; toSeq?: number }): Promise<AuditEntry[]> => {
  const out: AuditEntry[] = [];
  for await (const e of log.export(range)) out.push(e);
  return out;
};

/** What every `AuditLog` adapter must do (keyed, as a server runs it), once per adapter. */
export function runAuditLogContract(name: string, backend: () => Promise<AuditBackend>): void {
  describe(`AuditLog contract: ${name}`, () => {
    let storage: AuditBackend;
    const logs: AuditLog[] = [];
    const node = async (options?: { key?: Buffer; now?: () => number }) => {
      const log = await storage.open(options);
      logs.push(log);
      return log;
    };
    beforeEach(async () => {
      storage = await backend();
    });
    afterEach(async () => {
      for (const log of logs.splice(0)) await log.close();
      await storage.close();
    });

    it('chains entries, exports them in order with inclusive bounds, and verifies', async () => {
      const log = await node();
      const written: AuditEntry[] = [];
      for (let i = 0; i < 5; i++) written.push(await log.append(sampleInput(i)));
      expect(written.map((e) => e.seq)).toEqual([1, 2, 3, 4, 5]);
      expect(written.every((e, i) => i === 0 || e.prevHash === written[i - 1]!.hash)).toBe(true);
      expect(written.every((e) => e.v === 2)).toBe(true);
      expect(await all(log)).toEqual(written);
      expect(await all(log, { fromSeq: 2, toSeq: 4 })).toEqual(written.slice(1, 4));
      expect(await log.verify()).toMatchObject({ ok: true, entries: 5, firstSeq: 1, lastSeq: 5, headHash: written[4]!.hash, checkpoint: null });
    });

    it('keeps one chain when two nodes append at once, and each verifies all of it', async () => {
      const [a, b] = [await node(), await node()];
      await Promise.all(Array.from({ length: 20 }, (_, i) => (i % 2 === 0 ? a : b).append(sampleInput(i))));
      expect((await all(a)).map((e) => e.seq)).toEqual(Array.from({ length: 20 }, (_, i) => i + 1));
      expect(await a.verify()).toMatchObject({ ok: true, entries: 20 });
      expect(await b.verify()).toMatchObject({ ok: true, entries: 20 });
    });

    it('catches an edited entry', async () => {
      const log = await node();
      for (let i = 0; i < 3; i++) await log.append(sampleInput(i));
      await storage.tamper("UPDATE audit_entries SET content = 'edited' WHERE seq = 2");
      expect(await log.verify()).toMatchObject({ ok: false, problem: { seq: 2, kind: 'hash_mismatch' } });
    });

    it('catches the last entry cut off with the head moved back to match', async () => {
      const log = await node();
      for (let i = 0; i < 3; i++) await log.append(sampleInput(i));
      await storage.tamper('DELETE FROM audit_entries WHERE seq = 3');
      await storage.tamper('UPDATE audit_head SET seq = 2, hash = (SELECT hash FROM audit_entries WHERE seq = 2) WHERE id = 1');
      const verified = await log.verify();
      expect(verified.ok).toBe(false);
      expect(verified.problem?.kind).toBe('checkpoint_mismatch');
    });

    it('prunes by age behind a checkpoint that still verifies', async () => {
      let clock = Date.parse('2026-01-01T00:00:00Z');
      const log = await node({ now: () => clock });
      for (let i = 0; i < 3; i++) await log.append(sampleInput(i));
      clock += 10 * 86_400_000;
      const kept = await log.append(sampleInput(3));
      const pruned = await log.prune(5 * 86_400_000);
      expect(pruned.removed).toBe(3);
      expect(pruned.checkpoint?.seq).toBe(3);
      expect(await all(log)).toEqual([kept]);
      expect(await log.verify()).toMatchObject({ ok: true, entries: 1, checkpoint: pruned.checkpoint });
      expect((await log.append(sampleInput(4))).seq).toBe(5);
    });

    it('signs its head; a signed checkpoint matches, a forged or malformed one does not', async () => {
      const log = await node();
      expect(await log.signedCheckpoint()).toBeNull();
      for (let i = 0; i < 3; i++) await log.append(sampleInput(i));
      const checkpoint = (await log.signedCheckpoint())!;
      expect(checkpoint).toMatchObject({ format: 'kefu-audit-checkpoint/1', seq: 3 });
      expect(await log.verifyCheckpoint(checkpoint)).toBeNull();
      expect(await log.verifyCheckpoint({ ...checkpoint, hash: '0'.repeat(64) })).toMatchObject({ kind: 'checkpoint_mismatch' });
      const malformed: unknown = await log.verifyCheckpoint({ seq: 3 }).then(() => null, (e: unknown) => e);
      expect(isKefuError(malformed) && malformed.code).toBe('invalid_checkpoint');
    });

    it('does not take a log signed with another key for its own', async () => {
      await (await node()).append(sampleInput(0));
      const other = await storage.open({ key: Buffer.alloc(32, 0x55) }).then(
        async (log) => {
          logs.push(log);
          return (await log.verify()).ok;
        },
        () => 'refused' as const,
      );
      expect(other === false || other === 'refused').toBe(true);
    });
  });
}
