import type { Entity } from '../../contracts/nlu.ts';

// The PII masker (src/safety/basic-pii-masker.ts) runs before NLU and leaves these behind.
const PLACEHOLDERS = /\[(?:手机号|身份证号)\]/gu;

/** `[手机号]` → phone, `[身份证号]` → id_card, value = the placeholder itself. */
export function findPiiPlaceholders(text: string): Entity[] {
  return [...text.matchAll(PLACEHOLDERS)].map((m) => ({
    type: m[0] === '[手机号]' ? 'phone' : 'id_card',
    text: m[0],
    start: m.index,
    end: m.index + m[0].length,
    value: m[0],
  }));
}
