import type { AuditEntry } from '../contracts/audit-log.ts';

/** JSONL text for entries, a few hundred lines per chunk, for writing to a stream with backpressure. */
export function* auditJsonlChunks(entries: Iterable<AuditEntry>, linesPerChunk = 200): Generator<string> {
  const chunks = new JsonlChunker(linesPerChunk);
  for (const entry of entries) {
    const full = chunks.add(entry);
    if (full !== null) yield full;
  }
  const rest = chunks.rest();
  if (rest !== null) yield rest;
}

/** Parses one exported line back into an entry (shape-checked loosely: the hash checks the rest). */
export function parseAuditLine(line: string): AuditEntry {
  const value = JSON.parse(line) as unknown;
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw new SyntaxError('an audit line must be a JSON object');
  return value as AuditEntry;
}

/** `auditJsonlChunks` for entries read from a remote log. */
export async function* auditJsonlChunksAsync(entries: AsyncIterable<AuditEntry>, linesPerChunk = 200): AsyncGenerator<string> {
  const chunks = new JsonlChunker(linesPerChunk);
  for await (const entry of entries) {
    const full = chunks.add(entry);
    if (full !== null) yield full;
  }
  const rest = chunks.rest();
  if (rest !== null) yield rest;
}

/** Gathers JSONL lines into chunks of `linesPerChunk`, for the sync and async exports alike. */
class JsonlChunker {
  #chunk = '';
  #lines = 0;
  readonly #linesPerChunk: number;

  constructor(linesPerChunk: number) {
    this.#linesPerChunk = linesPerChunk;
  }

  /** A full chunk once this line fills one; else null. */
  add(entry: AuditEntry): string | null {
    this.#chunk += `${JSON.stringify(entry)}\n`;
    if (++this.#lines !== this.#linesPerChunk) return null;
    return this.rest();
  }

  /** What is gathered, or null when nothing is. */
  rest(): string | null {
    const chunk = this.#chunk;
    this.#chunk = '';
    this.#lines = 0;
    return chunk.length > 0 ? chunk : null;
  }
}
