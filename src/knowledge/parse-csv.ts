import { parse } from 'csv-parse/sync';
import type { KbDocument } from '../contracts/knowledge-base.ts';
import { invalidKbFile } from './invalid-kb-file.ts';
import { createIdDeriver, toKbDocument, type RecordOrigin } from './kb-record.ts';

/**
 * CSV with a header row: `id,title,text` or `question,answer` (plus optional lang, category, url;
 * other columns are ignored). A UTF-8 BOM is tolerated; quoted fields may span lines.
 */
export function parseCsv(content: string, origin: RecordOrigin): KbDocument[] {
  const lines: number[] = [];
  let rows: string[][];
  try {
    rows = parse(content, {
      bom: true,
      skip_empty_lines: true,
      trim: true,
      on_record: (record: string[], context) => {
        lines.push(context.lines);
        return record;
      },
    });
  } catch (e) {
    const line = e instanceof Error && 'lines' in e && typeof e.lines === 'number' ? e.lines : undefined;
    throw invalidKbFile(origin.file, line, `invalid CSV (${e instanceof Error ? e.message : String(e)})`, e);
  }
  const [header, ...body] = rows;
  if (header === undefined) return [];
  const columns = header.map((h) => h.trim().toLowerCase());
  if (!columns.some((c) => c === 'text' || c === 'answer' || c === 'content')) {
    throw invalidKbFile(origin.file, lines[0] ?? 1, `header must name a "text" or "answer" column (found: ${header.join(', ')})`);
  }
  const deriveId = createIdDeriver(origin.source);
  return body.map((row, i) => {
    const record: Record<string, unknown> = {};
    columns.forEach((c, j) => {
      if (c.length > 0 && record[c] === undefined) record[c] = row[j];
    });
    return toKbDocument(record, origin, lines[i + 1], deriveId);
  });
}
