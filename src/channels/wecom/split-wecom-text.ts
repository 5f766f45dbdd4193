/** WeCom's limit for one text message: 2048 bytes of UTF-8. */
export const WECOM_TEXT_MAX_BYTES = 2048;

const bytes = (s: string): number => Buffer.byteLength(s, 'utf8');

/** Sentences with their closing punctuation and trailing spaces kept, so joining them gives the text back. */
const SENTENCE = /(?:[^。！？；!?;.\n]|\.(?!\s|$))*(?:[。！？；!?;\n]+|\.(?=\s|$)|$)\s*/gu;

/**
 * Cuts `text` into pieces of at most `maxBytes` UTF-8 bytes, at sentence ends where it can, at
 * code point boundaries where a single sentence is too long. Pieces joined give back the text.
 */
export function splitWecomText(text: string, maxBytes: number = WECOM_TEXT_MAX_BYTES): string[] {
  if (!Number.isSafeInteger(maxBytes) || maxBytes < 4) throw new RangeError('maxBytes must be an integer ≥ 4');
  if (bytes(text) <= maxBytes) return text.length === 0 ? [] : [text];
  const sentences = (text.match(SENTENCE) ?? []).filter((s) => s.length > 0);
  const pieces: string[] = [];
  let current = '';
  const flush = () => {
    if (current.length > 0) pieces.push(current);
    current = '';
  };
  for (const sentence of sentences) {
    if (bytes(current) + bytes(sentence) <= maxBytes) {
      current += sentence;
      continue;
    }
    flush();
    if (bytes(sentence) <= maxBytes) {
      current = sentence;
      continue;
    }
    // One sentence longer than a message: cut it by code points.
    let size = 0;
    for (const ch of sentence) {
      const n = bytes(ch);
      if (size + n > maxBytes) {
        flush();
        size = 0;
      }
      current += ch;
      size += n;
    }
  }
  flush();
  return pieces;
}
