/**
 * Finds encoded segments (base64, hex, URL encoding) of at least 16 characters and returns the
 * ones that decode to readable text, so the guard can inspect what the model would read if it
 * decoded them. Random ids (order numbers, tokens) decode to bytes that are not valid UTF-8 text
 * and are dropped.
 */

const BASE64 = /[A-Za-z0-9+/_-]{16,}={0,2}/g;
const HEX = /(?:\b0x)?\b(?:[0-9a-fA-F]{2}[\s:]?){8,}/g;
const URL_ENCODED = /(?:%[0-9a-fA-F]{2}|[A-Za-z0-9._~+-]){16,}/g;
const MIN_LENGTH = 16;

const utf8 = new TextDecoder('utf-8', { fatal: true });

function readable(bytes: Uint8Array): string | undefined {
  let text: string;
  try {
    text = utf8.decode(bytes);
  } catch {
    return undefined;
  }
  const chars = [...text];
  if (chars.length < 4) return undefined;
  const printable = chars.filter((c) => /[\p{L}\p{N}\p{P}\p{S}\p{Zs}\n\t]/u.test(c)).length;
  const letters = chars.filter((c) => /\p{L}/u.test(c)).length;
  if (printable / chars.length < 0.95 || letters < 3) return undefined;
  // Text is mostly letters and spaces; decoded noise that happens to be printable is mostly symbols.
  if (letters / chars.length < 0.5) return undefined;
  return text;
}

function decodeOnce(text: string): string[] {
  const out: string[] = [];
  for (const m of text.matchAll(BASE64)) {
    const s = m[0];
    if (s.replace(/=+$/, '').length % 4 === 1) continue;
    // A plain word or a number is not base64 worth decoding.
    if (/^[A-Za-z]?[a-z]+$/.test(s) || /^\d+$/.test(s)) continue;
    const decoded = readable(Buffer.from(s, 'base64'));
    if (decoded !== undefined) out.push(decoded);
  }
  for (const m of text.matchAll(HEX)) {
    const hex = m[0].replace(/^0x|[\s:]/g, '');
    if (hex.length < MIN_LENGTH || hex.length % 2 === 1 || /^\d+$/.test(hex)) continue;
    const decoded = readable(Buffer.from(hex, 'hex'));
    if (decoded !== undefined) out.push(decoded);
  }
  for (const m of text.matchAll(URL_ENCODED)) {
    const s = m[0];
    if ((s.match(/%[0-9a-fA-F]{2}/g) ?? []).length < 4) continue;
    try {
      const decoded = decodeURIComponent(s.replace(/\+/g, ' '));
      if (decoded !== s) out.push(decoded);
    } catch {
      // not valid percent-encoding: leave it as it is
    }
  }
  return out;
}

/** Decoded segments, two levels deep (base64 inside base64), without duplicates. */
export function decodeSegments(text: string): string[] {
  const first = decodeOnce(text);
  const second = first.flatMap(decodeOnce);
  return [...new Set([...first, ...second])];
}
