import { foldDigits } from './normalize-for-scan.ts';
import type { PiiType } from './pii-types.ts';

const stars = (n: number): string => '*'.repeat(Math.max(1, n));

/** Keeps `head` and `tail` characters of the value's letters and digits, stars in between. */
function keepEnds(value: string, head: number, tail: number): string {
  const chars = value.replace(/[^0-9A-Za-z]/g, '');
  if (chars.length <= head + tail) return stars(chars.length);
  return chars.slice(0, head) + stars(chars.length - head - tail) + chars.slice(chars.length - tail);
}

/**
 * The partly hidden form customers recognise from bank and courier apps: `138****1234`,
 * `6222***********0128`, `z***@example.com`, `张*`, `北京市朝阳区****`. Enough to tell two
 * values apart, not enough to use one.
 */
export function partialMask(type: PiiType, value: string): string {
  switch (type) {
    case 'phone': {
      const digits = foldDigits(value).replace(/\D/g, '').replace(/^(?:0086|86)(?=1\d{10}$)/, '');
      return `${digits.slice(0, 3)}****${digits.slice(-4)}`;
    }
    case 'landline': {
      const m = /^(\D*0?\d{2,3}\)?[ -]?)(.*)$/.exec(value.trim());
      const local = (m?.[2] ?? value).replace(/\D/g, '');
      return `${m?.[1] ?? ''}${stars(local.length - 4)}${local.slice(-4)}`;
    }
    case 'id_card':
    case 'uscc':
    case 'bank_card':
      return keepEnds(value, 4, 4);
    case 'email': {
      const at = value.lastIndexOf('@');
      return `${value.slice(0, 1)}***${value.slice(at)}`;
    }
    case 'ip': {
      if (value.includes('.') && !value.includes(':')) return value.split('.').slice(0, 2).concat(['*', '*']).join('.');
      return `${value.split(':').slice(0, 2).join(':')}:*`;
    }
    case 'passport':
    case 'hk_macau_permit':
      return keepEnds(value, 1, 3);
    case 'license_plate': {
      const body = value.replace(/[·•・ -]/g, '');
      return `${body.slice(0, 2)}${stars(body.length - 3)}${body.slice(-1)}`;
    }
    case 'person_name': {
      if (/\p{Script=Han}/u.test(value)) return `${value.slice(0, 1)}${stars(value.length - 1)}`;
      return value.split(/\s+/).map((w) => `${w.slice(0, 1)}***`).join(' ');
    }
    case 'address': {
      // Keep the administrative part (up to the district or county), hide the street and number.
      const m = /^.*?(?:区|县|旗)/u.exec(value.slice(0, 16)) ?? /^.*?市/u.exec(value.slice(0, 10));
      return `${m?.[0] ?? ''}****`;
    }
  }
}
