import Database from 'better-sqlite3';

/**
 * Reads document content hashes from a knowledge base file (kb.db), read-only: the knowledge base
 * exposes no change events, so a cached answer is checked against the hashes of the documents it
 * cites. Returns null for a document that is gone.
 */
export function createKbDocHashReader(kbPath: string): { currentDocHash(docId: string): string | null; close(): void } {
  const db = new Database(kbPath, { readonly: true, fileMustExist: true });
  const stmt = db.prepare<[string], string>('SELECT hash FROM documents WHERE id = ?').pluck();
  return {
    currentDocHash: (docId) => stmt.get(docId) ?? null,
    close: () => db.close(),
  };
}
