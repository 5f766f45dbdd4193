/** What the pipeline records about each generated reply or bot action. */
export interface AuditInput {
  kind: 'reply' | 'action' | 'handoff' | 'guard_block' | 'agent_message';
  sessionId: string;
  channel: string;
  /** already PII-masked */
  content: string;
  model: string;
  promptVersion: string | null;
  /** ids of the knowledge passages the reply was grounded on */
  sources: string[];
  /** guard decisions, e.g. `{ pii: 'masked', grounding: 'pass' }` */
  guard: Record<string, unknown>;
  latencyMs: number | null;
  meta?: Record<string, unknown>;
}

/**
 * One link of the chain: `hash` = SHA-256 of the canonical JSON of every other field, or, with
 * `v: 2`, their HMAC-SHA-256 under the audit key (`macAuditEntry`). Entries written before Kefu
 * had an audit key have no `v`; once a log is keyed, every later entry must be (`keyedFrom`).
 */
export interface AuditEntry extends AuditInput {
  v?: 2;
  seq: number;
  /** ISO 8601, UTC */
  at: string;
  prevHash: string;
  hash: string;
}

export type AuditProblemKind = 'hash_mismatch' | 'broken_link' | 'gap' | 'checkpoint_mismatch' | 'unkeyed_entry';

export interface AuditProblem {
  seq: number;
  kind: AuditProblemKind;
  detail: string;
}

/** Where verification starts: the last pruned entry, or seq 0 with the genesis hash. */
export interface AuditCheckpoint {
  seq: number;
  hash: string;
}

export interface AuditVerification {
  ok: boolean;
  /** rows in the table (after pruning) */
  entries: number;
  firstSeq: number | null;
  lastSeq: number | null;
  /** the head recorded in `audit_head`; null while nothing was ever appended */
  headHash: string | null;
  /** entries up to `checkpoint.seq` were pruned; null if the log was never pruned */
  checkpoint: AuditCheckpoint | null;
  /** first problem found */
  problem?: AuditProblem;
}

/**
 * The head of the log signed with the audit key, written to the server's log every so many
 * entries or minutes (`audit checkpoint`). Kept where the host cannot rewrite it (a log shipper,
 * a SIEM), it catches what no file on the host can: the log rolled back to an older copy of
 * itself, head file and all. `kefu audit verify --checkpoint` checks a log against one.
 */
export interface SignedAuditCheckpoint {
  format: 'kefu-audit-checkpoint/1';
  seq: number;
  hash: string;
  /** ISO 8601, UTC: when it was signed */
  at: string;
  /** HMAC-SHA-256 (hex) of the canonical JSON of the other fields, under the checkpoint key */
  mac: string;
}

/**
 * The audit log: a SQLite file in the data dir on one node (`createSqliteAuditLogStore`), one
 * chain in PostgreSQL for a cluster (`createPostgresAuditLog`). Async because a store can be remote.
 */
export interface AuditLog {
  /** Atomic: the entry, its link and the new head are written together; safe across processes and nodes. */
  append(input: AuditInput): Promise<AuditEntry>;
  /** Recomputes every hash and link, then checks the tail against the head anchors. */
  verify(onProgress?: (done: number, total: number) => void): Promise<AuditVerification>;
  /** Oldest first, read page by page (the connection stays free between pages). Bounds are inclusive. */
  export(options?: { fromSeq?: number; toSeq?: number }): AsyncIterable<AuditEntry>;
  /**
   * Retention: deletes the oldest entries written more than `olderThanMs` ago, after checking
   * them, and records the last one deleted as the checkpoint verification starts from.
   * Returns the checkpoint now in force (null if the log was never pruned).
   */
  prune(olderThanMs: number): Promise<{ removed: number; checkpoint: AuditCheckpoint | null }>;
  /** The head, signed (null without an audit key, or while the log is empty). */
  signedCheckpoint(): Promise<SignedAuditCheckpoint | null>;
  /** Null if the log still holds, unchanged, the entry a checkpoint signed; else what is wrong. */
  verifyCheckpoint(checkpoint: unknown): Promise<AuditProblem | null>;
  close(): Promise<void>;
}
