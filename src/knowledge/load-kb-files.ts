import { readdir, readFile, stat } from 'node:fs/promises';
import { basename, extname, join, relative, sep } from 'node:path';
import type { KbDocument } from '../contracts/knowledge-base.ts';
import { invalidKbFile } from './invalid-kb-file.ts';
import type { RecordOrigin } from './kb-record.ts';
import { parseCsv } from './parse-csv.ts';
import { parseJson } from './parse-json.ts';
import { parseJsonl } from './parse-jsonl.ts';
import { parseMarkdown } from './parse-markdown.ts';

type Parser = (content: string, origin: RecordOrigin) => KbDocument[];

const PARSERS: Readonly<Record<string, Parser>> = {
  '.md': parseMarkdown,
  '.markdown': parseMarkdown,
  '.json': parseJson,
  '.jsonl': parseJsonl,
  '.ndjson': parseJsonl,
  '.csv': parseCsv,
};

export const KB_FILE_EXTENSIONS: readonly string[] = Object.keys(PARSERS);

async function filesUnder(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { withFileTypes: true });
  const out: string[] = [];
  for (const e of entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))) {
    if (e.name.startsWith('.')) continue;
    const path = join(dir, e.name);
    if (e.isDirectory()) out.push(...(await filesUnder(path)));
    else if (e.isFile() && extname(e.name).toLowerCase() in PARSERS) out.push(path);
  }
  return out;
}

export interface LoadedKbFiles {
  files: string[];
  documents: KbDocument[];
}

/**
 * Read knowledge files (md, json, jsonl, csv) from files and folders (recursively; hidden entries
 * and other extensions inside folders are skipped). A document's `source` is its path relative to
 * the folder given (its file name when a file is given), so ids derived from it do not depend on
 * the working directory. Everything is parsed before anything is returned: one bad file fails the
 * whole load, as does the same id in two places.
 */
export async function loadKbFiles(paths: readonly string[]): Promise<LoadedKbFiles> {
  const targets: { file: string; source: string }[] = [];
  for (const p of paths) {
    const s = await stat(p).catch((e: unknown) => {
      throw invalidKbFile(p, undefined, 'no such file or folder', e);
    });
    if (s.isDirectory()) {
      for (const file of await filesUnder(p)) targets.push({ file, source: relative(p, file).split(sep).join('/') });
    } else if (extname(p).toLowerCase() in PARSERS) {
      targets.push({ file: p, source: basename(p) });
    } else {
      throw invalidKbFile(p, undefined, `unsupported file type (expected ${KB_FILE_EXTENSIONS.join(', ')})`);
    }
  }

  const documents: KbDocument[] = [];
  const firstSeen = new Map<string, string>();
  for (const { file, source } of targets) {
    const parser = PARSERS[extname(file).toLowerCase()];
    if (parser === undefined) continue;
    const content = await readFile(file, 'utf8');
    for (const doc of parser(content, { file, source })) {
      const previous = firstSeen.get(doc.id);
      if (previous !== undefined) throw invalidKbFile(file, undefined, `duplicate id "${doc.id}" (also in ${previous})`);
      firstSeen.set(doc.id, file);
      documents.push(doc);
    }
  }
  return { files: targets.map((t) => t.file), documents };
}
