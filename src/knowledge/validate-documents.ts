import type { KbDocument } from '../contracts/knowledge-base.ts';
import { badRequest } from '../errors.ts';

/**
 * Documents given to `upsert` from code (not files) are checked here; a bad one rejects the whole
 * batch before anything is written. Later duplicates of an id replace earlier ones.
 */
export function validateDocuments(docs: readonly KbDocument[]): KbDocument[] {
  const byId = new Map<string, KbDocument>();
  docs.forEach((doc, i) => {
    const where = `document #${i + 1}${typeof doc.id === 'string' ? ` (id "${doc.id}")` : ''}`;
    if (typeof doc.id !== 'string' || doc.id.trim().length === 0) throw badRequest('kb_invalid_document', `${where}: id must be a non-empty string`);
    if (typeof doc.title !== 'string' || typeof doc.text !== 'string') throw badRequest('kb_invalid_document', `${where}: title and text must be strings`);
    if (doc.title.trim().length === 0 && doc.text.trim().length === 0) throw badRequest('kb_invalid_document', `${where}: title and text are both empty`);
    if (doc.lang !== undefined && doc.lang !== 'zh' && doc.lang !== 'en') throw badRequest('kb_invalid_document', `${where}: lang must be "zh" or "en"`);
    if (doc.trust !== undefined && doc.trust !== 'policy' && doc.trust !== 'untrusted') throw badRequest('kb_invalid_document', `${where}: trust must be "policy" or "untrusted"`);
    byId.delete(doc.id);
    byId.set(doc.id, doc);
  });
  return [...byId.values()];
}
