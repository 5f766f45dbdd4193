import type { KbDocument } from '../contracts/knowledge-base.ts';
import { invalidKbFile } from './invalid-kb-file.ts';
import { createIdDeriver, isPlainObject, toKbDocument, type RecordOrigin } from './kb-record.ts';

function lineAt(text: string, position: number): number {
  return text.slice(0, position).split('\n').length;
}

/** A JSON array of entries, or `{ "documents": [...] }`. */
export function parseJson(content: string, origin: RecordOrigin): KbDocument[] {
  const text = content.replace(/^\uFEFF/, '');
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (e) {
    const message = e instanceof Error ? e.message : String(e);
    const pos = /position (\d+)/.exec(message)?.[1];
    throw invalidKbFile(origin.file, pos === undefined ? undefined : lineAt(text, Number(pos)), `invalid JSON (${message})`, e);
  }
  const entries = Array.isArray(value) ? value : isPlainObject(value) ? value['documents'] : undefined;
  if (!Array.isArray(entries)) throw invalidKbFile(origin.file, 1, 'expected an array of entries or an object with a "documents" array');
  const deriveId = createIdDeriver(origin.source);
  return entries.map((entry: unknown, i) => {
    if (!isPlainObject(entry)) throw invalidKbFile(origin.file, `entry #${i + 1}`, 'entry must be an object');
    return toKbDocument(entry, origin, `entry #${i + 1}`, deriveId);
  });
}
