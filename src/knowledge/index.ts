export { CONFIDENT_PASSAGE, isConfidentPassage } from './confidence.ts';
export { chunkText } from './chunker.ts';
export { importKnowledge, type KbImportResult } from './import-kb.ts';
export { loadKbFiles, KB_FILE_EXTENSIONS } from './load-kb-files.ts';
export { tokenize } from './segmenter.ts';
export { createSqliteKnowledgeBase, SqliteKnowledgeBase, type SqliteKnowledgeBaseOptions } from './sqlite-knowledge-base.ts';
