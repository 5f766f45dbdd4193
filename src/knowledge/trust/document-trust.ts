/**
 * How far Kefu may rely on a knowledge-base document.
 *
 * - `policy`: the shop's own words (FAQ, policies, help articles). Quoted as the answer, and the
 *   only text that may back a commitment (a price, a refund, compensation) in a reply.
 * - `untrusted`: text the shop did not write (imported product reviews, supplier notes, forum
 *   posts). Retrieved for context only: fenced as data in the prompt, never quoted to the customer
 *   and never backing a commitment.
 *
 * Files (`KEFU_KB`, `kefu kb import`, dashboard upload) and the admin API default to `policy`: an
 * admin key or the shop's own files speak for the shop. Anything else must say `trust: untrusted`.
 */
export const DOCUMENT_TRUST = ['policy', 'untrusted'] as const;
export type DocumentTrust = (typeof DOCUMENT_TRUST)[number];

export const DEFAULT_TRUST: DocumentTrust = 'policy';

/** `policy` / `untrusted` (and a few obvious synonyms) from a file field; undefined when unreadable. */
export function parseTrust(value: unknown): DocumentTrust | undefined {
  if (typeof value !== 'string') return undefined;
  const v = value.trim().toLowerCase();
  if (v === 'policy' || v === 'trusted') return 'policy';
  if (v === 'untrusted' || v === 'review' || v === 'external') return 'untrusted';
  return undefined;
}

/** What the scanner found in a document, each a reason to hold it for review. */
export const FINDING_KINDS = ['instruction', 'credential', 'internal_address', 'personal_data', 'commitment', 'insult'] as const;
export type FindingKind = (typeof FINDING_KINDS)[number];

export interface TrustFinding {
  kind: FindingKind;
  /** The words that matched (personal data partially masked), shown to the reviewer. */
  evidence: string;
}

/** A stored document's review state: quarantined documents are kept but neither indexed nor served. */
export type DocumentStatus = 'active' | 'quarantined' | 'rejected';
