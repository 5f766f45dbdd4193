import type { AuditProblem, SignedAuditCheckpoint } from '../contracts/audit-log.ts';
import { KefuError } from '../errors.ts';
import { macMatches, macOf, type AuditKeys } from './audit-keys.ts';

const FORMAT = 'kefu-audit-checkpoint/1';

/** The head, signed with the checkpoint key, to be logged and kept off the host. */
export function signCheckpoint(keys: AuditKeys, head: { seq: number; hash: string }, now: number): SignedAuditCheckpoint {
  const fields = { format: FORMAT as typeof FORMAT, seq: head.seq, hash: head.hash, at: new Date(now).toISOString() };
  return Object.assign({}, fields, { mac: macOf(keys.checkpoint, fields) });
}

/**
 * Null if the log still holds, unchanged, the entry a signed checkpoint names; else what is
 * wrong: the log ends before it (rolled back to an older copy), holds another entry there
 * (rewritten), or the checkpoint is not this key's. A malformed checkpoint is a 400.
 */
export async function checkpointProblem(
  keys: AuditKeys,
  checkpoint: unknown,
  head: { seq: number; checkpointSeq: number; checkpointHash: string },
  hashOf: (seq: number) => Promise<string | null>,
): Promise<AuditProblem | null> {
  const c = checkpoint as Partial<SignedAuditCheckpoint> | null;
  const shaped = typeof c === 'object' && c !== null && c.format === FORMAT && Number.isSafeInteger(c.seq) && (c.seq ?? 0) >= 1 && typeof c.hash === 'string' && typeof c.at === 'string';
  if (!shaped) throw new KefuError('invalid_checkpoint', 'a checkpoint is the JSON object of an "audit checkpoint" log line: {format, seq, hash, at, mac}', { status: 400 });
  const { seq, hash, at } = c as SignedAuditCheckpoint;
  if (!macMatches(keys.checkpoint, { format: FORMAT, seq, hash, at }, c.mac)) {
    return { seq, kind: 'checkpoint_mismatch', detail: `the checkpoint of entry ${seq} (${at}) is not signed by this log's audit key: it was forged or edited, or belongs to another log` };
  }
  if (seq > head.seq) {
    return { seq: head.seq + 1, kind: 'checkpoint_mismatch', detail: `a checkpoint signed at ${at} records entry ${seq} but the log ends at entry ${head.seq}: entries were removed, or the log was restored from an older copy` };
  }
  // Pruned past it: nothing left to compare, except the prune checkpoint itself.
  if (seq < head.checkpointSeq) return null;
  const held = seq === head.checkpointSeq ? head.checkpointHash : await hashOf(seq);
  if (held === null) return { seq, kind: 'gap', detail: `entry ${seq}, signed in a checkpoint at ${at}, is missing` };
  if (held !== hash) return { seq, kind: 'checkpoint_mismatch', detail: `entry ${seq} is not the one a checkpoint signed at ${at}: the log was rewritten from there or earlier` };
  return null;
}
