export interface ChunkOptions {
  /** A chunk is closed once it reaches this many characters and the next sentence would not fit. */
  targetChars?: number;
  /** Hard upper bound; longer sentences are cut at a comma/space near this length. */
  maxChars?: number;
}

const TARGET = 320;
const MAX = 420;
/** A trailing piece shorter than this is merged into the previous chunk. */
const MIN_TAIL = 80;

/** Sentences end at 。！？；!?; and line breaks, and at "." followed by whitespace (so "1.5" stays whole). */
function sentences(text: string): string[] {
  const out: string[] = [];
  const re = /[^。！？!?；;\n]*?(?:[。！？；;!?]+[”"'』」）)]*|\.+[”"'』」）)]*(?=\s|$)|\n+|$)/gu;
  for (const m of text.matchAll(re)) {
    if (m[0].length === 0) {
      if (m.index >= text.length) break;
      continue;
    }
    out.push(m[0]);
  }
  return out;
}

/** Cut an over-long sentence at the last comma or space before `max`, else hard at `max`. */
function splitLong(s: string, max: number): string[] {
  const parts: string[] = [];
  let rest = s;
  while (rest.length > max) {
    const window = rest.slice(0, max);
    const cut = Math.max(window.lastIndexOf('，'), window.lastIndexOf(','), window.lastIndexOf('、'), window.lastIndexOf(' '));
    const at = cut > max / 2 ? cut + 1 : max;
    parts.push(rest.slice(0, at));
    rest = rest.slice(at);
  }
  if (rest.length > 0) parts.push(rest);
  return parts;
}

/**
 * Split a document body into passages of roughly 300-400 characters on sentence boundaries
 * (Chinese and English punctuation). Text up to `maxChars` is one chunk.
 */
export function chunkText(text: string, options: ChunkOptions = {}): string[] {
  const target = options.targetChars ?? TARGET;
  const max = options.maxChars ?? MAX;
  const clean = text.replace(/\r\n?/g, '\n').trim();
  if (clean.length <= max) return clean.length === 0 ? [] : [clean];

  const chunks: string[] = [];
  let current = '';
  for (const sentence of sentences(clean).flatMap((s) => splitLong(s, max))) {
    if (current.length > 0 && (current.length >= target || current.length + sentence.length > max)) {
      chunks.push(current.trim());
      current = '';
    }
    current += sentence;
  }
  if (current.trim().length > 0) {
    const last = chunks.at(-1);
    if (last !== undefined && current.trim().length < MIN_TAIL && last.length + current.length <= max + MIN_TAIL) {
      chunks[chunks.length - 1] = `${last}${current.trimEnd()}`;
    } else {
      chunks.push(current.trim());
    }
  }
  return chunks.filter((c) => c.length > 0);
}
