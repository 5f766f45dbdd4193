/**
 * Check digits and structural checks for the identifiers whose validity can be computed:
 * GB 11643 (resident ID), ISO/IEC 7812 Luhn (bank cards), GB 32100 (unified social credit code).
 */

/** First two digits of a mainland administrative division code (GB/T 2260), plus 71/81/82 (Taiwan, Hong Kong, Macau) and 83 (used on residence permits). */
const PROVINCES = new Set([
  11, 12, 13, 14, 15, 21, 22, 23, 31, 32, 33, 34, 35, 36, 37, 41, 42, 43, 44, 45, 46, 50, 51, 52, 53, 54, 61, 62, 63, 64, 65, 71, 81, 82, 83,
]);

export const isProvinceCode = (twoDigits: string): boolean => PROVINCES.has(Number(twoDigits));

const ID_WEIGHTS = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
const ID_CHECK = '10X98765432';

/** A real calendar date between 1900-01-01 and today. */
export function isPlausibleBirthDate(y: number, m: number, d: number, now = new Date()): boolean {
  if (y < 1900 || m < 1 || m > 12 || d < 1) return false;
  const date = new Date(Date.UTC(y, m - 1, d));
  if (date.getUTCMonth() !== m - 1 || date.getUTCDate() !== d) return false;
  return date.getTime() <= now.getTime();
}

/** 18-character resident ID: region, birth date, MOD 11-2 check character (GB 11643-1999). */
export function isValidResidentId(id: string, now = new Date()): boolean {
  if (!/^\d{17}[\dX]$/i.test(id) || !isProvinceCode(id.slice(0, 2))) return false;
  let sum = 0;
  for (let i = 0; i < 17; i++) sum += Number(id[i]) * ID_WEIGHTS[i]!;
  if (ID_CHECK[sum % 11] !== id[17]!.toUpperCase()) return false;
  return isPlausibleBirthDate(Number(id.slice(6, 10)), Number(id.slice(10, 12)), Number(id.slice(12, 14)), now);
}

/** 15-digit first-generation ID (issued until 2004): region and a 19yy birth date, no check digit. */
export function isPlausibleLegacyId(id: string): boolean {
  if (!/^\d{15}$/.test(id) || !isProvinceCode(id.slice(0, 2))) return false;
  return isPlausibleBirthDate(1900 + Number(id.slice(6, 8)), Number(id.slice(8, 10)), Number(id.slice(10, 12)));
}

export function passesLuhn(digits: string): boolean {
  let sum = 0;
  for (let i = 0; i < digits.length; i++) {
    let n = digits.charCodeAt(digits.length - 1 - i) - 48;
    if (i % 2 === 1) {
      n *= 2;
      if (n > 9) n -= 9;
    }
    sum += n;
  }
  return sum % 10 === 0;
}

const USCC_CHARS = '0123456789ABCDEFGHJKLMNPQRTUWXY';
const USCC_WEIGHTS = [1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28];

/**
 * Unified social credit code (GB 32100-2015): registration authority, entity category, a region
 * code, the 9-character organisation code, and a MOD 31 check character.
 */
export function isValidUscc(code: string): boolean {
  const c = code.toUpperCase();
  if (!/^[1-9ANY][1-9][0-9]{6}[0-9A-HJ-NPQRTUWXY]{10}$/.test(c)) return false;
  const province = c.slice(2, 4);
  if (province !== '10' && !isProvinceCode(province)) return false;
  let sum = 0;
  for (let i = 0; i < 17; i++) sum += USCC_CHARS.indexOf(c[i]!) * USCC_WEIGHTS[i]!;
  return USCC_CHARS[(31 - (sum % 31)) % 31] === c[17];
}
