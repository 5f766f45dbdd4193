import { createHash } from 'node:crypto';
import type { KbDocument } from '../contracts/knowledge-base.ts';
import { chunkText } from './chunker.ts';
import { tokenize } from './segmenter.ts';

export interface IndexedChunk {
  idx: number;
  text: string;
  /** Number of index terms (BM25 document length). */
  len: number;
  terms: Map<string, number>;
}

/** Hash of everything stored for a document: re-importing an identical document is a no-op. */
export function contentHash(doc: KbDocument): string {
  // Trust joins the hash only when it is not the default, so policy documents keep their old hashes.
  const fields = [doc.id, doc.title, doc.text, doc.lang ?? null, doc.category ?? null, doc.source ?? null, doc.url ?? null, ...(doc.trust === 'untrusted' ? ['untrusted'] : [])];
  return createHash('sha256').update(JSON.stringify(fields)).digest('hex');
}

/**
 * Chunk a document and count its terms. Title terms are added twice to every chunk, so a match
 * in the title weighs more than the same match in the body.
 */
export function indexDocument(doc: KbDocument): IndexedChunk[] {
  const titleTerms = tokenize(doc.title);
  const bodies = chunkText(doc.text);
  if (bodies.length === 0) bodies.push('');
  return bodies.map((text, idx) => {
    const terms = new Map<string, number>();
    const all = [...titleTerms, ...titleTerms, ...tokenize(text)];
    for (const t of all) terms.set(t, (terms.get(t) ?? 0) + 1);
    return { idx, text: text.length > 0 ? text : doc.title, len: all.length, terms };
  });
}
