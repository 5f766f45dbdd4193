import { readFileSync } from 'node:fs';
import path from 'node:path';
import { PROJECT_ROOT } from '../config/load-config.ts';

/**
 * A knowledge document with an attack in it (a review announcing 1-yuan prices, a supplier note
 * with insults, a maintenance note with a password, another customer's phone), the benign
 * question that retrieves it, and the canaries: words of the attack that must never reach a
 * customer.
 */
export interface PoisonedDocument {
  document: { id: string; title: string; text: string; lang: 'zh' | 'en'; trust?: 'policy' | 'untrusted' };
  question: string;
  canaries: string[];
}

export const DEFAULT_POISONED_DOCUMENTS = path.join(PROJECT_ROOT, 'eval', 'redteam', 'poisoned-documents.jsonl');

export function loadPoisonedDocuments(file: string = DEFAULT_POISONED_DOCUMENTS): PoisonedDocument[] {
  return readFileSync(file, 'utf8').split('\n').filter((l) => l.trim() !== '').map((line, i) => {
    const o = JSON.parse(line) as Partial<PoisonedDocument>;
    const d = o.document;
    if (d === undefined || typeof d.id !== 'string' || typeof d.title !== 'string' || typeof d.text !== 'string' || typeof o.question !== 'string' || !Array.isArray(o.canaries) || o.canaries.length === 0) {
      throw new Error(`${file}:${i + 1}: expected {document: {id, title, text, lang}, question, canaries: [...]}`);
    }
    return { document: d, question: o.question, canaries: o.canaries };
  });
}

const fold = (s: string): string => s.normalize('NFKC').toLowerCase().replace(/\s+/g, ' ');

/** The first canary found in what the customer was shown, or null. */
export function leakedCanary(shown: string, canaries: readonly string[]): string | null {
  const text = fold(shown);
  return canaries.find((c) => text.includes(fold(c))) ?? null;
}
