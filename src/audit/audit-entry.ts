import { KefuError } from '../errors.ts';
import { hashAuditEntry, macAuditEntry } from './audit-hash.ts';
import type { AuditEntry, AuditInput } from '../contracts/audit-log.ts';

export const AUDIT_KINDS: readonly AuditInput['kind'][] = ['reply', 'action', 'handoff', 'guard_block', 'agent_message'];

/** A row of `audit_entries` as SQLite returns it. */
export interface AuditRow {
  seq: number;
  at: string;
  kind: string;
  session_id: string;
  channel: string;
  content: string;
  model: string;
  prompt_version: string | null;
  sources: string;
  guard: string;
  latency_ms: number | null;
  meta: string | null;
  prev_hash: string;
  hash: string;
  /** 2: `hash` is the keyed MAC; null: the plain SHA-256 of entries from before the audit key */
  v: number | null;
}

const invalid = (message: string): KefuError => new KefuError('invalid_audit_entry', message, { status: 400 });

/**
 * Checks an input and brings it to the form that survives storage unchanged, so the hash taken
 * now matches the one recomputed from the row later: JSON-valued fields go through a JSON round
 * trip (dropping `undefined`, turning dates into strings), and lone UTF-16 surrogates, which
 * SQLite's UTF-8 text cannot hold, become U+FFFD.
 */
export function normaliseAuditInput(input: AuditInput): AuditInput {
  if (typeof input !== 'object' || input === null) throw invalid('an audit entry must be an object');
  if (!AUDIT_KINDS.includes(input.kind)) throw invalid(`kind must be one of ${AUDIT_KINDS.join(', ')}`);
  const latency = input.latencyMs;
  if (latency !== null && !(typeof latency === 'number' && Number.isFinite(latency) && latency >= 0)) {
    throw invalid('latencyMs must be a finite number ≥ 0, or null');
  }
  if (!Array.isArray(input.sources) || !input.sources.every((s) => typeof s === 'string')) throw invalid('sources must be an array of strings');
  if (input.promptVersion !== null && typeof input.promptVersion !== 'string') throw invalid('promptVersion must be a string or null');
  const meta = input.meta === undefined ? undefined : jsonObject('meta', input.meta);
  return {
    kind: input.kind,
    sessionId: text('sessionId', input.sessionId, true),
    channel: text('channel', input.channel, true),
    content: text('content', input.content, false),
    model: text('model', input.model, true),
    promptVersion: input.promptVersion === null ? null : wellFormed(input.promptVersion),
    sources: input.sources.map(wellFormed),
    guard: jsonObject('guard', input.guard),
    latencyMs: latency,
    ...(meta === undefined ? {} : { meta }),
  };
}

/** The entry for a normalised input, with its fields in export order and its hash (its MAC with `entryKey`). */
export function buildAuditEntry(input: AuditInput, seq: number, at: string, prevHash: string, entryKey: Buffer | null = null): AuditEntry {
  // Field by field, not spread from a copy: the spreads (and the copy without `hash` to hash)
  // cost more than hashing the entry (issue 16). The order of assignment is the export order.
  const entry = {} as AuditEntry;
  if (entryKey !== null) entry.v = 2;
  entry.seq = seq;
  entry.at = at;
  entry.kind = input.kind;
  entry.sessionId = input.sessionId;
  entry.channel = input.channel;
  entry.content = input.content;
  entry.model = input.model;
  entry.promptVersion = input.promptVersion;
  entry.sources = input.sources;
  entry.guard = input.guard;
  entry.latencyMs = input.latencyMs;
  if (input.meta !== undefined) entry.meta = input.meta;
  entry.prevHash = prevHash;
  entry.hash = entryKey === null ? hashAuditEntry(entry) : macAuditEntry(entry, entryKey);
  return entry;
}

export function toAuditRow(e: AuditEntry): AuditRow {
  return {
    seq: e.seq,
    at: e.at,
    kind: e.kind,
    session_id: e.sessionId,
    channel: e.channel,
    content: e.content,
    model: e.model,
    prompt_version: e.promptVersion,
    sources: JSON.stringify(e.sources),
    guard: JSON.stringify(e.guard),
    latency_ms: e.latencyMs,
    meta: e.meta === undefined ? null : JSON.stringify(e.meta),
    prev_hash: e.prevHash,
    hash: e.hash,
    v: e.v ?? null,
  };
}

/** A row's values in `audit_entries` column order: seq, at, kind, session_id, channel, content, model, prompt_version, sources, guard, latency_ms, meta, prev_hash, hash, v. */
export type AuditRowValues = [number, string, string, string, string, string, string, string | null, string, string, number | null, string | null, string, string, number | null];

export function auditRowValues(r: AuditRow): AuditRowValues {
  return [r.seq, r.at, r.kind, r.session_id, r.channel, r.content, r.model, r.prompt_version, r.sources, r.guard, r.latency_ms, r.meta, r.prev_hash, r.hash, r.v];
}

/** The entry a row holds, as stored; throws a SyntaxError if a JSON column was damaged. */
export function fromAuditRow(r: AuditRow): AuditEntry {
  // Any other number is kept as it is, for the walker to refuse.
  return Object.assign(r.v === null ? {} : { v: r.v as 2 }, {
    seq: r.seq,
    at: r.at,
    kind: r.kind as AuditEntry['kind'],
    sessionId: r.session_id,
    channel: r.channel,
    content: r.content,
    model: r.model,
    promptVersion: r.prompt_version,
    sources: JSON.parse(r.sources) as string[],
    guard: JSON.parse(r.guard) as Record<string, unknown>,
    latencyMs: r.latency_ms,
    ...(r.meta === null ? {} : { meta: JSON.parse(r.meta) as Record<string, unknown> }),
    prevHash: r.prev_hash,
    hash: r.hash,
  });
}

function text(name: string, value: unknown, required: boolean): string {
  if (typeof value !== 'string') throw invalid(`${name} must be a string`);
  if (required && value.length === 0) throw invalid(`${name} must not be empty`);
  return wellFormed(value);
}

function jsonObject(name: string, value: unknown): Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw invalid(`${name} must be a JSON object`);
  let copy: unknown;
  try {
    copy = JSON.parse(JSON.stringify(value)) as unknown;
  } catch (cause) {
    throw new KefuError('invalid_audit_entry', `${name} is not JSON-serialisable`, { status: 400, cause });
  }
  if (typeof copy !== 'object' || copy === null || Array.isArray(copy)) throw invalid(`${name} must be a JSON object`);
  return copy as Record<string, unknown>;
}

const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;

/** `String.prototype.isWellFormed` (Node 20), which the ES2023 lib this project compiles against does not declare. */
type CheckedString = string & { isWellFormed(): boolean };

function wellFormed(s: string): string {
  // The check is native and several times cheaper than a regex pass over a reply that has nothing to replace.
  return (s as CheckedString).isWellFormed() ? s : s.replace(LONE_SURROGATE, '\uFFFD');
}
