import type { AuditEntry } from '../contracts/audit-log.ts';

/** JSONL text for entries, a few hundred lines per chunk, for writing to a stream with backpressure. */
export function* auditJsonlChunks(entries: Iterable<AuditEntry>, linesPerChunk = 200): Generator<string> {
  let chunk = '';
  let lines = 0;
  for (const entry of entries) {
    chunk += `${JSON.stringify(entry)}\n`;
    if (++lines === linesPerChunk) {
      yield chunk;
      chunk = '';
      lines = 0;
    }
  }
  if (chunk.length > 0) yield chunk;
}

/** Parses one exported line back into an entry (shape-checked loosely: the hash checks the rest). */
export function parseAuditLine(line: string): AuditEntry {
  const value = JSON.parse(line) as unknown;
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw new SyntaxError('an audit line must be a JSON object');
  return value as AuditEntry;
}

/** `auditJsonlChunks` for entries read from a remote log. */
export async function* auditJsonlChunksAsync(entries: AsyncIterable<AuditEntry>, linesPerChunk = 200): AsyncGenerator<string> {
  let chunk = '';
  let lines = 0;
  for await (const entry of entries) {
    chunk += `${JSON.stringify(entry)}\n`;
    if (++lines === linesPerChunk) {
      yield chunk;
      chunk = '';
      lines = 0;
    }
  }
  if (chunk.length > 0) yield chunk;
}
