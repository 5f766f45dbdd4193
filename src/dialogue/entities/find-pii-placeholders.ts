import type { Entity } from '../../contracts/nlu.ts';

// The PII engine (src/safety/pii) runs before NLU and leaves placeholders (`[手机号]`) or
// per-session pseudonyms (`[PHONE_1]`) behind.
const PLACEHOLDERS = /\[(?:手机号|身份证号)\]|\[(?:PHONE|ID)_\d+\]/gu;

/** `[手机号]` / `[PHONE_1]` → phone, `[身份证号]` / `[ID_1]` → id_card, value = the token itself. */
export function findPiiPlaceholders(text: string): Entity[] {
  if (!text.includes('[')) return [];
  return [...text.matchAll(PLACEHOLDERS)].map((m) => ({
    type: m[0] === '[手机号]' || m[0].startsWith('[PHONE') ? 'phone' : 'id_card',
    text: m[0],
    start: m.index,
    end: m.index + m[0].length,
    value: m[0],
  }));
}
