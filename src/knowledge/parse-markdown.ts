import { basename, extname } from 'node:path';
import type { KbDocument } from '../contracts/knowledge-base.ts';
import { createIdDeriver, detectLang, type RecordOrigin } from './kb-record.ts';

const HEADING = /^ {0,3}(#{1,6})[ \t]+(.+?)(?:[ \t]+#+)?[ \t]*$/;
const FENCE = /^ {0,3}(`{3,}|~{3,})/;

/**
 * Markdown: every ATX heading (`#` .. `######`) starts an entry titled by the heading; the text is
 * everything up to the next heading. Headings inside fenced code blocks don't count, and sections
 * with no text (e.g. a document title followed directly by `##` sections) are skipped. Text before
 * the first heading becomes an entry titled by the file name.
 */
export function parseMarkdown(content: string, origin: RecordOrigin): KbDocument[] {
  const deriveId = createIdDeriver(origin.source);
  const docs: KbDocument[] = [];
  let title = basename(origin.source, extname(origin.source));
  let body: string[] = [];
  let fence: string | undefined;

  const flush = (): void => {
    const text = body.join('\n').trim();
    if (text.length > 0) docs.push({ id: deriveId(title), title, text, lang: detectLang(`${title} ${text}`), source: origin.source });
    body = [];
  };

  for (const line of content.replace(/^\uFEFF/, '').split(/\r?\n/)) {
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
