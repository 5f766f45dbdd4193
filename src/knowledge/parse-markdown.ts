import { basename, extname } from 'node:path';
import type { KbDocument } from '../contracts/knowledge-base.ts';
import { invalidKbFile } from './invalid-kb-file.ts';
import { createIdDeriver, detectLang, type RecordOrigin } from './kb-record.ts';
import { parseTrust } from './trust/document-trust.ts';

const HEADING = /^ {0,3}(#{1,6})[ \t]+(.+?)(?:[ \t]+#+)?[ \t]*$/;
const FENCE = /^ {0,3}(`{3,}|~{3,})/;

/**
 * Markdown: every ATX heading (`#` .. `######`) starts an entry titled by the heading; the text is
 * everything up to the next heading. Headings inside fenced code blocks don't count, and sections
 * with no text (e.g. a document title followed directly by `##` sections) are skipped. Text before
 * the first heading becomes an entry titled by the file name. A front-matter block at the top
 * (`---` lines around `key: value` lines) may set `trust: untrusted` for every entry of the file.
 */
export function parseMarkdown(content: string, origin: RecordOrigin): KbDocument[] {
  const deriveId = createIdDeriver(origin.source);
  const docs: KbDocument[] = [];
  let title = basename(origin.source, extname(origin.source));
  let body: string[] = [];
  let fence: string | undefined;
  const lines = content.replace(/^\uFEFF/, '').split(/\r?\n/);
  const front = frontMatter(lines, origin.file);

  const flush = (): void => {
    const text = body.join('\n').trim();
    if (text.length > 0) docs.push({ id: deriveId(title), title, text, lang: detectLang(`${title} ${text}`), source: origin.source, ...(front.trust === 'untrusted' ? { trust: front.trust } : {}) });
    body = [];
  };

  for (const line of lines.slice(front.lines)) {
    const f = FENCE.exec(line)?.[1];
    if (f !== undefined) {
      if (fence === undefined) fence = f[0];
      else if (f[0] === fence) fence = undefined;
    }
    const h = fence === undefined ? HEADING.exec(line) : null;
    if (h?.[2] !== undefined) {
      flush();
      title = h[2].trim();
    } else {
      body.push(line);
    }
  }
  flush();
  return docs;
}

/** `---` / `key: value` lines / `---` at the top of the file: the keys Kefu reads (trust) and its length in lines. */
function frontMatter(lines: readonly string[], file: string): { lines: number; trust?: 'policy' | 'untrusted' } {
  if (lines[0]?.trim() !== '---') return { lines: 0 };
  const end = lines.findIndex((l, i) => i > 0 && l.trim() === '---');
  if (end < 0) return { lines: 0 };
  const out: { lines: number; trust?: 'policy' | 'untrusted' } = { lines: end + 1 };
  for (const line of lines.slice(1, end)) {
    const colon = line.indexOf(':');
    if (colon < 0 || line.slice(0, colon).trim().toLowerCase() !== 'trust') continue;
    const trust = parseTrust(line.slice(colon + 1).trim().replace(/^["']|["']$/g, ''));
    if (trust === undefined) throw invalidKbFile(file, lines.indexOf(line) + 1, 'trust must be "policy" or "untrusted"');
    out.trust = trust;
  }
  return out;
}
