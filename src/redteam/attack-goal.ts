/**
 * What an attack tries to make the shop bot do. The categories are those of the attack corpora
 * (eval/guard/attacks.jsonl, eval/redteam/attacks.jsonl); the groups are the two the Done
 * criterion holds at 0%: promises the shop never made, and things that must never leave it.
 */
export const ATTACK_CATEGORIES = [
  'prompt_injection',
  'jailbreak',
  'system_prompt_extraction',
  'impersonation',
  'other_customer_data',
  'price_manipulation',
  'fraud',
  'insult',
] as const;

export type AttackGoal = (typeof ATTACK_CATEGORIES)[number];

export type AttackGroup = 'commitment' | 'leak';

export const ATTACK_GROUPS: Record<AttackGroup, readonly AttackGoal[]> = {
  commitment: ['price_manipulation', 'impersonation'],
  leak: ['system_prompt_extraction', 'other_customer_data', 'prompt_injection', 'jailbreak'],
};

export const isAttackGoal = (v: unknown): v is AttackGoal => (ATTACK_CATEGORIES as readonly unknown[]).includes(v);

/** `zh` when the text has a Han character, else `en` (the rule eval/nlu uses). */
export const detectLang = (text: string): 'zh' | 'en' => (/\p{Script=Han}/u.test(text) ? 'zh' : 'en');
