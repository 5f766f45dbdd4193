/**
 * A basic PII masker used until the full PII engine (its own issue) lands: it covers the types
 * that are common in support chats and checkable without context — mainland mobile numbers,
 * resident ID numbers (with the GB 11643 check digit), bank cards (Luhn), e-mail addresses.
 * Applied before text reaches the model, the stored transcript or the logs.
 */
export type BasicPiiType = 'phone' | 'id_card' | 'bank_card' | 'email';

export interface PiiSpan {
  type: BasicPiiType;
  start: number;
  end: number;
}

const PLACEHOLDER: Record<BasicPiiType, string> = {
  phone: '[手机号]',
  id_card: '[身份证号]',
  bank_card: '[银行卡号]',
  email: '[邮箱]',
};

const ID_WEIGHTS = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
const ID_CHECK = '10X98765432';

export function isValidResidentId(id: string): boolean {
  if (!/^\d{17}[\dXx]$/.test(id)) return false;
  let sum = 0;
  for (let i = 0; i < 17; i++) sum += Number(id[i]) * ID_WEIGHTS[i]!;
  if (ID_CHECK[sum % 11] !== id[17]!.toUpperCase()) return false;
  const y = Number(id.slice(6, 10));
  const m = Number(id.slice(10, 12));
  const d = Number(id.slice(12, 14));
  const date = new Date(Date.UTC(y, m - 1, d));
  return y >= 1900 && date.getUTCMonth() === m - 1 && date.getUTCDate() === d;
}

export function passesLuhn(digits: string): boolean {
  let sum = 0;
  for (let i = 0; i < digits.length; i++) {
    let n = Number(digits[digits.length - 1 - i]);
    if (i % 2 === 1) {
      n *= 2;
      if (n > 9) n -= 9;
    }
    sum += n;
  }
  return sum % 10 === 0;
}

const PATTERNS: { type: BasicPiiType; re: RegExp; valid: (m: string) => boolean }[] = [
  { type: 'email', re: /[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+\.[A-Za-z]{2,}/g, valid: () => true },
  { type: 'id_card', re: /(?<![\dA-Za-z])\d{17}[\dXx](?![\dA-Za-z])/g, valid: isValidResidentId },
  {
    type: 'bank_card',
    re: /(?<!\d)\d{4}(?:[ -]?\d{4}){2,3}(?:[ -]?\d{1,3})?(?!\d)/g,
    valid: (m) => {
      const digits = m.replace(/[ -]/g, '');
      return digits.length >= 16 && digits.length <= 19 && passesLuhn(digits);
    },
  },
  {
    type: 'phone',
    re: /(?<!\d)(?:(?:\+|00)86[ -]?)?1[3-9]\d(?:[ -]?\d{4}){2}(?!\d)/g,
    valid: () => true,
  },
];

export function findBasicPii(text: string): PiiSpan[] {
  const spans: PiiSpan[] = [];
  for (const { type, re, valid } of PATTERNS) {
    for (const m of text.matchAll(re)) {
      const start = m.index;
      const end = start + m[0].length;
      if (!valid(m[0])) continue;
      if (spans.some((s) => start < s.end && end > s.start)) continue;
      spans.push({ type, start, end });
    }
  }
  return spans.sort((a, b) => a.start - b.start);
}

export function maskBasicPii(text: string): string {
  const spans = findBasicPii(text);
  let out = '';
  let at = 0;
  for (const s of spans) {
    out += text.slice(at, s.start) + PLACEHOLDER[s.type];
    at = s.end;
  }
  return out + text.slice(at);
}

const PLACEHOLDER_SOURCE = Object.values(PLACEHOLDER).map((p) => p.replace(/[[\]]/g, '\\$&')).join('|');
const PLACEHOLDER_RE = new RegExp(PLACEHOLDER_SOURCE, 'g');
const HAS_PLACEHOLDER = new RegExp(PLACEHOLDER_SOURCE);

/**
 * What language detection and retrieval should see of a masked message: clauses that carry a
 * placeholder ("我的手机号是[手机号]", "my phone is [手机号]") are dropped when anything else is
 * left, since they say who is asking, not what; otherwise just the placeholders go. `[手机号]` in
 * an English question is neither Chinese nor a search term.
 */
export function withoutPlaceholders(masked: string): string {
  const clauses = masked.split(/(?<=[,，。.!?！？;；\n])/);
  const kept = clauses.filter((c) => !HAS_PLACEHOLDER.test(c));
  const text = kept.some((c) => /[\p{L}\p{N}]/u.test(c)) ? kept.join('') : masked;
  return text.replace(PLACEHOLDER_RE, ' ').replace(/\s{2,}/g, ' ').trim();
}
