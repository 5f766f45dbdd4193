import type { KbDocument } from '../contracts/knowledge-base.ts';
import { invalidKbFile } from './invalid-kb-file.ts';
import { createIdDeriver, isPlainObject, toKbDocument, type RecordOrigin } from './kb-record.ts';

/** JSON Lines: one object per line; blank lines and lines starting with `//` are skipped. */
export function parseJsonl(content: string, origin: RecordOrigin): KbDocument[] {
  const deriveId = createIdDeriver(origin.source);
  const docs: KbDocument[] = [];
  content.replace(/^\uFEFF/, '').split(/\r?\n/).forEach((raw, i) => {
    const line = raw.trim();
    if (line.length === 0 || line.startsWith('//')) return;
    let value: unknown;
    try {
      value = JSON.parse(line);
    } catch (e) {
      throw invalidKbFile(origin.file, i + 1, `invalid JSON (${e instanceof Error ? e.message : String(e)})`, e);
    }
    if (!isPlainObject(value)) throw invalidKbFile(origin.file, i + 1, 'each line must be a JSON object');
    docs.push(toKbDocument(value, origin, i + 1, deriveId));
  });
  return docs;
}
