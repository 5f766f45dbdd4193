import { deobfuscate } from '../../safety/input-guard/deobfuscate.ts';
import { addressesAssistant } from '../../safety/input-guard/fence-context.ts';
import { RULES } from '../../safety/input-guard/rules/index.ts';
import { scoreRules } from '../../safety/input-guard/score.ts';
import { INTERNAL_ADDRESS } from '../../safety/internal-address.ts';
import { partialMask } from '../../safety/pii/partial-mask.ts';
import type { PiiType } from '../../safety/pii/pii-types.ts';
import type { TrustFinding } from './document-trust.ts';
import { COMMITMENT, CREDENTIAL } from './trust-patterns.ts';

export interface DocumentScanner {
  /** Reasons to hold the document for review; empty when it may be served. */
  scan(doc: { title: string; text: string }): TrustFinding[];
}

/** Finds personal data (the PII engine's `analyze`). */
export type PiiFinder = (text: string) => readonly { type: PiiType; text: string; score: number }[];

/**
 * A person's data in a shop document is someone else's data to every customer who reads it. The
 * shop's own contact points (a hotline, a service mailbox, the returns address) are not: landlines,
 * e-mail, company codes and addresses are left out.
 */
const PERSONAL: ReadonlySet<PiiType> = new Set(['phone', 'id_card', 'bank_card', 'passport', 'hk_macau_permit', 'license_plate', 'person_name']);
const PERSON_NAME_MIN_SCORE = 0.7;

// One sentence at a time, as the fence reads passages: bounded pieces, each scanned once.
const SENTENCE = /[^\n。.!?！？;；]+[。.!?！？;；]*/gu;
/** The input guard's line for a category, as the prompt fence uses it. */
const THRESHOLD = 0.5;
/** Orders to the assistant (the jailbreak rules read "interest-free" as "free from rules"); a policy's own prices and refund rules are the commitment check's business. */
const ORDERS = ['prompt_injection', 'system_prompt_extraction'] as const;

/**
 * Scans a knowledge document before it is indexed, for what would reach customers if it were
 * quoted: orders to the assistant (the input guard's injection, jailbreak and extraction rules,
 * sentence by sentence), credentials, internal addresses, other people's personal data, new
 * prices, guaranteed refunds and compensation, and insults. Every pattern is linear-time.
 */
export function createDocumentScanner(deps: { findPii: PiiFinder }): DocumentScanner {
  return {
    scan(doc) {
      const findings: TrustFinding[] = [];
      const seen = new Set<string>();
      const add = (kind: TrustFinding['kind'], evidence: string) => {
        const key = `${kind}\0${evidence}`;
        if (seen.has(key)) return;
        seen.add(key);
        findings.push({ kind, evidence: evidence.trim().slice(0, 120) });
      };
      const whole = `${doc.title}\n${doc.text}`.normalize('NFKC');
      for (const m of whole.matchAll(SENTENCE)) {
        const sentence = m[0].trim();
        // No order or insult fits in two characters ("a.", "1."): a run of them costs a view each.
        if (sentence.length < 3) continue;
        // One de-obfuscated view per sentence for every rule set: it is most of the cost.
        const view = deobfuscate(sentence);
        if (addressesAssistant(sentence) || ORDERS.some((c) => scoreRules(RULES[c], view).score >= THRESHOLD)) add('instruction', sentence);
        const insult = scoreRules(RULES.insult, view);
        if (insult.score >= THRESHOLD) add('insult', insult.evidence);
      }
      const credential = CREDENTIAL.firstMatch(whole);
      if (credential !== null) add('credential', credential.replace(/([A-Za-z0-9!@#$%^&*_+=/.-]{2})[A-Za-z0-9!@#$%^&*_+=/.-]{2,}$/u, '$1****'));
      const internal = INTERNAL_ADDRESS.firstMatch(whole);
      if (internal !== null) add('internal_address', internal);
      const commitment = COMMITMENT.firstMatch(whole);
      if (commitment !== null) add('commitment', commitment);
      for (const e of deps.findPii(whole)) {
        if (!PERSONAL.has(e.type) || (e.type === 'person_name' && e.score < PERSON_NAME_MIN_SCORE)) continue;
        add('personal_data', `${e.type}: ${partialMask(e.type, e.text)}`);
      }
      return findings;
    },
  };
}
