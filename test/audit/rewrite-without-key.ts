import Database from 'better-sqlite3';
import { fromAuditRow, type AuditRow } from '../../src/audit/audit-entry.ts';
import { GENESIS_HASH, hashAuditEntry } from '../../src/audit/audit-hash.ts';
import type { AuditEntry } from '../../src/contracts/audit-log.ts';
import { writeHeadFile } from '../../src/audit/head-file.ts';

/**
 * What an attacker with the files but not the key can do: rebuild every entry from `fromSeq` on
 * with recomputed plain SHA-256 hashes (no `v`), edit one, fix audit_head, and write a head file
 * that agrees with the rebuilt chain.
 */
export function rewriteWithoutKey(file: string, fromSeq = 1): void {
  const db = new Database(file);
  try {
    const rows = db.prepare('SELECT * FROM audit_entries ORDER BY seq').all() as AuditRow[];
    let prevHash = GENESIS_HASH;
    for (const row of rows) {
      const entry = fromAuditRow(row);
      if (entry.seq < fromSeq) {
        prevHash = entry.hash;
        continue;
      }
      const forged: AuditEntry = { ...entry, content: `${entry.content} (rewritten)`, prevHash, hash: '' };
      delete forged.v;
      forged.hash = hashAuditEntry(forged);
      db.prepare('UPDATE audit_entries SET content = ?, prev_hash = ?, hash = ?, v = NULL WHERE seq = ?').run(forged.content, forged.prevHash, forged.hash, forged.seq);
      prevHash = forged.hash;
    }
    const last = rows.at(-1)!.seq;
    db.prepare('UPDATE audit_head SET seq = ?, hash = ? WHERE id = 1').run(last, prevHash);
    writeHeadFile(`${file}.head`, { seq: last, hash: prevHash, checkpointSeq: 0, checkpointHash: GENESIS_HASH, mismatch: null });
  } finally {
    db.close();
  }
}
