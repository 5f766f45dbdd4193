/**
 * Confusable letters folded to the Latin letter they imitate, after lower-casing: Cyrillic and
 * Greek look-alikes and small capitals. Enough for "іgnоrе" (Cyrillic і, о, е) to read as
 * "ignore"; not the full Unicode confusables table.
 */
const PAIRS: readonly (readonly [string, string])[] = [
  // Cyrillic
  ['а', 'a'], ['в', 'b'], ['г', 'r'], ['е', 'e'], ['ё', 'e'], ['з', '3'], ['і', 'i'], ['ї', 'i'], ['ј', 'j'],
  ['к', 'k'], ['м', 'm'], ['н', 'h'], ['о', 'o'], ['п', 'n'], ['р', 'p'], ['с', 'c'], ['т', 't'], ['у', 'y'],
  ['х', 'x'], ['ш', 'w'], ['ь', 'b'], ['ѕ', 's'], ['һ', 'h'], ['ԁ', 'd'], ['ԛ', 'q'], ['ԝ', 'w'], ['ӏ', 'l'],
  ['ү', 'y'], ['ѡ', 'w'], ['ɡ', 'g'],
  // Greek
  ['α', 'a'], ['β', 'b'], ['γ', 'y'], ['ε', 'e'], ['η', 'n'], ['ι', 'i'], ['κ', 'k'], ['μ', 'u'], ['ν', 'v'],
  ['ο', 'o'], ['ρ', 'p'], ['ς', 'c'], ['τ', 't'], ['υ', 'u'], ['χ', 'x'], ['ω', 'w'], ['ϲ', 'c'], ['ϳ', 'j'],
  // Latin small capitals and other look-alikes
  ['ı', 'i'], ['ȷ', 'j'], ['ɑ', 'a'], ['ɩ', 'i'], ['ʟ', 'l'], ['ɴ', 'n'], ['ʀ', 'r'], ['ᴀ', 'a'], ['ʙ', 'b'],
  ['ᴄ', 'c'], ['ᴅ', 'd'], ['ᴇ', 'e'], ['ɢ', 'g'], ['ʜ', 'h'], ['ɪ', 'i'], ['ᴊ', 'j'], ['ᴋ', 'k'], ['ᴍ', 'm'],
  ['ᴏ', 'o'], ['ᴘ', 'p'], ['ꜱ', 's'], ['ᴛ', 't'], ['ᴜ', 'u'], ['ᴠ', 'v'], ['ᴡ', 'w'], ['ʏ', 'y'], ['ᴢ', 'z'],
];

// Capitals first: Greek Υ looks like Y, but its lower case υ looks like u.
const UPPER_PAIRS: readonly (readonly [string, string])[] = [
  ['Α', 'a'], ['Β', 'b'], ['Ε', 'e'], ['Ζ', 'z'], ['Η', 'h'], ['Ι', 'i'], ['Κ', 'k'], ['Μ', 'm'], ['Ν', 'n'], ['Ο', 'o'],
  ['Ρ', 'p'], ['Τ', 't'], ['Υ', 'y'], ['Χ', 'x'], ['А', 'a'], ['В', 'b'], ['Е', 'e'], ['К', 'k'], ['М', 'm'], ['Н', 'h'],
  ['О', 'o'], ['Р', 'p'], ['С', 'c'], ['Т', 't'], ['У', 'y'], ['Х', 'x'], ['Ѕ', 's'], ['І', 'i'], ['Ј', 'j'], ['Ԁ', 'd'],
];

const classOf = (pairs: readonly (readonly [string, string])[]) => new RegExp(`[${pairs.map(([c]) => c).join('')}]`, 'gu');
const UPPER = new Map(UPPER_PAIRS);
const UPPER_CONFUSABLE = classOf(UPPER_PAIRS);
const LOWER = new Map(PAIRS);
const LOWER_CONFUSABLE = classOf(PAIRS);

/** Folds look-alike capitals; run before lower-casing. */
export function foldHomoglyphCapitals(text: string): string {
  return text.replace(UPPER_CONFUSABLE, (c) => UPPER.get(c) ?? c);
}

/** Folds look-alike small letters; run after lower-casing. */
export function foldHomoglyphs(lowerCased: string): string {
  return lowerCased.replace(LOWER_CONFUSABLE, (c) => LOWER.get(c) ?? c);
}
