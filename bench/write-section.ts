import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { PROJECT_ROOT } from '../src/config/load-config.ts';

const FILE = path.join(PROJECT_ROOT, 'BENCHMARKS.md');

/** This machine in one line, for the record next to each result. */
export function machineLine(): string {
  return `${os.cpus().length} × ${os.cpus()[0]?.model ?? 'unknown CPU'}, ${Math.round(os.totalmem() / 2 ** 30)} GiB, ${os.type()} ${os.release()}, Node ${process.version}`;
}

/**
 * Replaces one benchmark's section of BENCHMARKS.md (between `<!-- bench:name -->` markers),
 * keeping the others, so `npm run bench` and `npm run bench:llm` can run separately.
 */
export function writeBenchSection(name: string, markdown: string): void {
  const start = `<!-- bench:${name} -->`;
  const end = `<!-- /bench:${name} -->`;
  const block = `${start}\n${markdown.trim()}\n\nMachine: ${machineLine()}. Date: ${new Date().toISOString().slice(0, 10)}.\n${end}`;
  let doc = existsSync(FILE) ? readFileSync(FILE, 'utf8') : '# Benchmarks\n\n`npm run bench` (pipeline, knowledge base) and `npm run bench:llm` (model inference) rewrite their sections below.\n';
  const i = doc.indexOf(start);
  const j = doc.indexOf(end);
  doc = i >= 0 && j > i ? doc.slice(0, i) + block + doc.slice(j + end.length) : `${doc.trimEnd()}\n\n${block}\n`;
  writeFileSync(FILE, doc);
}
