/**
 * Builds the embedded English recognizer's language model, models/asr/kefu-en.arpa: how customers
 * talk to a shop (the intent classifier's English templates) and what the shop's knowledge base
 * says (its English documents: product names, installation, returns…). Pocketsphinx's general
 * English model misheard most customer questions; this one is small and about the shop.
 *
 *   npx tsx scripts/build-asr-lm.ts [--kb kb/demo-shop] [--out models/asr/kefu-en.arpa]
 *
 * Rebuild it with your own knowledge base so product names you sell are heard.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { trainingCorpus } from '../src/dialogue/intent-training/expand.ts';
import { loadKbFiles } from '../src/knowledge/load-kb-files.ts';
import { buildArpa } from '../src/multimodal/asr/build-arpa.ts';
import { EN_US_DICT } from '../src/multimodal/asr/pocketsphinx-model.ts';
import { dictionaryWords, toLmSentences } from '../src/multimodal/asr/lm-sentences.ts';

const ROOT = path.resolve(import.meta.dirname, '..');
const { values } = parseArgs({
  options: {
    kb: { type: 'string', default: path.join(ROOT, 'kb', 'demo-shop') },
    out: { type: 'string', default: path.join(ROOT, 'models', 'asr', 'kefu-en.arpa') },
  },
});

const dict = dictionaryWords(readFileSync(EN_US_DICT, 'utf8'));
const texts: string[] = [];
for (const e of trainingCorpus()) if (!/[^\x00-\x7f]/.test(e.text)) texts.push(e.text.replace(/<[A-Z]+>/g, '.'));
for (const doc of (await loadKbFiles([values.kb])).documents) {
  if (doc.lang === 'en' || (doc.lang === undefined && !/[^\x00-\x7f]/.test(doc.text))) texts.push(doc.title, doc.text);
}
// Spoken order numbers and quantities: digits one by one, as people read them out.
const digits = ['zero', 'oh', 'one', 'two', 'three', 'four', 'five', 'six', 'seven', 'eight', 'nine'];
for (const a of digits) for (const b of digits) texts.push(`my order number is k f ${a} ${b}`, `order ${a} ${b}`);

const sentences = texts.flatMap((t) => toLmSentences(t, dict));
const arpa = buildArpa(sentences);
writeFileSync(values.out, arpa);
console.log(`${values.out}: ${sentences.length} sentences, ${arpa.length} bytes`);
