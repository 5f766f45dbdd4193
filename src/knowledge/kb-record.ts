import { createHash } from 'node:crypto';
import { basename, extname } from 'node:path';
import type { KbDocument } from '../contracts/knowledge-base.ts';
import { invalidKbFile, type KbFileLocation } from './invalid-kb-file.ts';
import { parseTrust } from './trust/document-trust.ts';

/** Where a record comes from: `file` is shown in errors, `source` is stored and feeds derived ids. */
export interface RecordOrigin {
  file: string;
  source: string;
}

const TITLE_KEYS = ['title', 'question', 'q', 'name', 'heading'] as const;
const TEXT_KEYS = ['text', 'answer', 'a', 'content', 'body'] as const;

function pick(record: Readonly<Record<string, unknown>>, keys: readonly string[]): string | undefined {
  for (const key of keys) {
    const v = record[key];
    if (typeof v === 'string' && v.trim().length > 0) return v.trim();
    if (typeof v === 'number') return String(v);
  }
  return undefined;
}

/** 'zh' when at least a fifth of the letters are Han characters. */
export function detectLang(text: string): 'zh' | 'en' {
  const han = text.match(/\p{Script=Han}/gu)?.length ?? 0;
  const letters = text.match(/\p{L}/gu)?.length ?? 0;
  return letters > 0 && han / letters >= 0.2 ? 'zh' : 'en';
}

function normaliseLang(value: unknown): 'zh' | 'en' | undefined {
  if (typeof value !== 'string') return undefined;
  const v = value.trim().toLowerCase();
  if (v === 'zh' || v.startsWith('zh-') || v.startsWith('zh_')) return 'zh';
  if (v === 'en' || v.startsWith('en-') || v.startsWith('en_')) return 'en';
  return undefined;
}

/**
 * Ids for records that have none: `<file stem>-<hash of source + title>`, so re-importing an edited
 * answer replaces the old one. A repeated title in the same file gets `-2`, `-3`, ...
 */
export function createIdDeriver(source: string): (title: string) => string {
  const stem = basename(source, extname(source)).replace(/[^\p{L}\p{N}_-]+/gu, '-') || 'doc';
  const seen = new Map<string, number>();
  return (title) => {
    const base = `${stem}-${createHash('sha256').update(`${source}\n${title}`).digest('hex').slice(0, 12)}`;
    const n = (seen.get(base) ?? 0) + 1;
    seen.set(base, n);
    return n === 1 ? base : `${base}-${n}`;
  };
}

/** One parsed record (JSON object, CSV row) to a KbDocument; unknown fields are ignored. */
export function toKbDocument(
  record: Readonly<Record<string, unknown>>,
  origin: RecordOrigin,
  line: KbFileLocation,
  deriveId: (title: string) => string,
): KbDocument {
  const text = pick(record, TEXT_KEYS);
  if (text === undefined) throw invalidKbFile(origin.file, line, `entry has no text (expected one of: ${TEXT_KEYS.join(', ')})`);
  const firstSentence = text.split(/(?<=[。！？!?.])\s*/u)[0] ?? text;
  const title = pick(record, TITLE_KEYS) ?? (firstSentence.length > 60 ? `${firstSentence.slice(0, 60)}…` : firstSentence);
  const rawId = record['id'];
  let id: string;
  if (typeof rawId === 'string' && rawId.trim().length > 0) id = rawId.trim();
  else if (typeof rawId === 'number' && Number.isFinite(rawId)) id = String(rawId);
  else if (rawId === undefined || rawId === null || rawId === '') id = deriveId(title);
  else throw invalidKbFile(origin.file, line, 'id must be a string or a number');

  const doc: KbDocument = { id, title, text, lang: normaliseLang(record['lang']) ?? detectLang(`${title} ${text}`), source: origin.source };
  const category = pick(record, ['category']);
  if (category !== undefined) doc.category = category;
  const url = pick(record, ['url']);
  if (url !== undefined) doc.url = url;
  const trust = record['trust'];
  if (trust !== undefined && trust !== null && trust !== '') {
    const parsed = parseTrust(trust);
    if (parsed === undefined) throw invalidKbFile(origin.file, line, 'trust must be "policy" or "untrusted"');
    if (parsed === 'untrusted') doc.trust = parsed;
  }
  return doc;
}

export function isPlainObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}
