/** The obfuscations the guard must see through, applied to test sentences. */
export const fullwidth = (s: string): string =>
  [...s].map((c) => {
    const n = c.codePointAt(0)!;
    if (n >= 0x21 && n <= 0x7e) return String.fromCodePoint(n + 0xfee0);
    return n === 0x20 ? '\u3000' : c;
  }).join('');

const INVISIBLE = ['\u200b', '\u200c', '\u200d', '\u2060', '\ufeff', '\u202e', '\u00ad'];
export const zeroWidth = (s: string): string => [...s].map((c, i) => (c === ' ' ? c : c + INVISIBLE[i % INVISIBLE.length])).join('');

export const spaced = (s: string): string => [...s].join(' ');

const LOOKALIKE: Record<string, string> = { a: 'а', e: 'е', o: 'о', p: 'р', c: 'с', y: 'у', x: 'х', i: 'і', s: 'ѕ', I: 'Ι', T: 'Τ', Y: 'Υ', N: 'Ν', H: 'Η' };
export const homoglyph = (s: string): string => [...s].map((c) => LOOKALIKE[c] ?? c).join('');

export const base64 = (s: string): string => Buffer.from(s, 'utf8').toString('base64');

export const hex = (s: string): string => Buffer.from(s, 'utf8').toString('hex');

export const urlEncoded = (s: string): string => encodeURIComponent(s);

/** Unicode tag characters: an invisible copy of ASCII text. */
export const tagged = (s: string): string => [...s].map((c) => String.fromCodePoint(0xe0000 + c.charCodeAt(0))).join('');
