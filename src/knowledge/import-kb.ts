import type { KbImportProgress, KnowledgeBase } from '../contracts/knowledge-base.ts';
import { loadKbFiles } from './load-kb-files.ts';

export interface KbImportResult {
  files: number;
  /** Documents found in the files. */
  found: number;
  /** Documents written (new or changed); the rest were unchanged. */
  documents: number;
  chunks: number;
  /** Documents stored for review instead of being served (src/knowledge/trust), with the reasons. */
  quarantined: { id: string; findings: { kind: string; evidence: string }[] }[];
}

/**
 * Import knowledge files and folders into a knowledge base: used by the server at start (`KEFU_KB`)
 * and by `kefu kb import`. All files are parsed first, so a bad file (KefuError `kb_invalid_file`)
 * leaves the index untouched; the upsert itself is one transaction. A knowledge base opened with a
 * scanner holds back documents carrying instructions, secrets, other people's data or commitments.
 */
export async function importKnowledge(
  kb: KnowledgeBase,
  paths: readonly string[],
  onProgress?: (p: KbImportProgress) => void,
): Promise<KbImportResult> {
  const { files, documents } = await loadKbFiles(paths);
  const written = await kb.upsert(documents, onProgress);
  return { files: files.length, found: documents.length, documents: written.documents, chunks: written.chunks, quarantined: written.quarantined ?? [] };
}
