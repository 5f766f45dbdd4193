/** Every category's rules, keyed by category. */
import type { Rule } from '../score.ts';
import type { AttackCategory } from '../types.ts';
import { FRAUD } from './fraud.ts';
import { IMPERSONATION } from './impersonation.ts';
import { INSULT } from './insult.ts';
import { JAILBREAK } from './jailbreak.ts';
import { OTHER_CUSTOMER_DATA } from './other-customer-data.ts';
import { PRICE_MANIPULATION } from './price-manipulation.ts';
import { PROMPT_INJECTION } from './prompt-injection.ts';
import { SYSTEM_PROMPT_EXTRACTION } from './system-prompt-extraction.ts';

export const RULES: Readonly<Record<AttackCategory, readonly Rule[]>> = {
  prompt_injection: PROMPT_INJECTION,
  jailbreak: JAILBREAK,
  system_prompt_extraction: SYSTEM_PROMPT_EXTRACTION,
  impersonation: IMPERSONATION,
  other_customer_data: OTHER_CUSTOMER_DATA,
  price_manipulation: PRICE_MANIPULATION,
  fraud: FRAUD,
  insult: INSULT,
};
