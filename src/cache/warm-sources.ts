import type { KbDocument, Passage } from '../contracts/knowledge-base.ts';
import { contentHash } from '../knowledge/index-document.ts';
import { retrievalAnswer } from '../pipeline/retrieval-responder.ts';
import type { CacheEntryInput, CacheSource } from '../contracts/answer-cache.ts';
import type { CacheLang } from '../contracts/answer-cache.ts';

const langOf = (doc: KbDocument): CacheLang => doc.lang ?? (/\p{Script=Han}/u.test(doc.title) ? 'zh' : 'en');

/**
 * Pre-generated answers from the knowledge base: each document's title (its FAQ question) as the
 * question, the document cited as the retrieval answer, the document's content hash (the one the
 * knowledge base stored, when given) as the validity check.
 */
export function entriesFromKb(docs: readonly (KbDocument & { hash?: string })[], top = Number.POSITIVE_INFINITY): CacheEntryInput[] {
  return docs.slice(0, top).map((doc) => {
    const lang = langOf(doc);
    const passage: Passage = { id: `${doc.id}#0`, docId: doc.id, title: doc.title, text: doc.text, score: 1, ...(doc.url === undefined ? {} : { url: doc.url }) };
    const source: CacheSource = { id: passage.id, title: doc.title, score: 1, ...(doc.url === undefined ? {} : { url: doc.url }) };
    return { question: doc.title, lang, intent: null, answer: retrievalAnswer([passage], lang), sources: [source], docHashes: { [doc.id]: doc.hash ?? contentHash(doc) }, model: 'retrieval' };
  });
}
