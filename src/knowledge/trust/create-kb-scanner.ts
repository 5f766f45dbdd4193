import { createPiiEngine } from '../../safety/pii/create-pii-engine.ts';
import { createDocumentScanner, type DocumentScanner } from './scan-document.ts';

/** The scanner every knowledge base Kefu opens for writing uses (server, `kefu kb import`). */
export function createKbScanner(): DocumentScanner {
  const pii = createPiiEngine();
  return createDocumentScanner({ findPii: (text) => pii.analyze(text) });
}
