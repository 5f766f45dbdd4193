/** The input guard's public shapes; `input-guard.ts` re-exports them. */

export type AttackCategory =
  | 'prompt_injection' | 'jailbreak' | 'system_prompt_extraction' | 'impersonation'
  | 'other_customer_data' | 'price_manipulation' | 'fraud' | 'insult';

export const ATTACK_CATEGORIES: readonly AttackCategory[] = [
  'prompt_injection', 'jailbreak', 'system_prompt_extraction', 'impersonation',
  'other_customer_data', 'price_manipulation', 'fraud', 'insult',
];

export interface GuardFinding {
  category: AttackCategory;
  /** In [0, 1]. */
  score: number;
  /** The inspected (de-obfuscated) text that matched, for logs and audit; never shown to the customer. */
  evidence: string;
}

export interface InputVerdict {
  action: 'allow' | 'template' | 'handoff';
  /** All categories scoring ≥ 0.5 (or ≥ the threshold, if lower), highest first. */
  findings: GuardFinding[];
  /** The de-obfuscated text that was inspected (NFKC, zero-width removed, homoglyphs folded, decoded base64 appended). */
  normalized: string;
}
