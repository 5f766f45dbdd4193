/**
 * Text → sentences of dictionary words for the embedded recognizer's language model. A chunk
 * ends at punctuation, digits and words the pronouncing dictionary lacks, so the model never
 * learns a word order across something it cannot hear.
 */
const CHUNK_END = /[^a-z' ]+/;

/** The dictionary's spelling of a word typed without its apostrophe (dont → don't). */
function spell(word: string, dict: ReadonlySet<string>): string | null {
  if (dict.has(word)) return word;
  const tries = [
    word.endsWith('nt') ? `${word.slice(0, -2)}n't` : null,
    word.endsWith('s') ? `${word.slice(0, -1)}'s` : null,
    word.endsWith('re') ? `${word.slice(0, -2)}'re` : null,
    word.endsWith('ve') ? `${word.slice(0, -2)}'ve` : null,
    word.endsWith('ll') ? `${word.slice(0, -2)}'ll` : null,
    word === 'im' ? "i'm" : null,
    word === 'id' ? "i'd" : null,
  ];
  for (const t of tries) if (t !== null && dict.has(t)) return t;
  return null;
}

export function toLmSentences(text: string, dict: ReadonlySet<string>): string[] {
  const out: string[] = [];
  // ’ is how the knowledge base and phones type an apostrophe.
  for (const chunk of text.toLowerCase().replaceAll('’', "'").split(CHUNK_END)) {
    let run: string[] = [];
    for (const raw of chunk.split(' ')) {
      const word = raw.replace(/^'+|'+$/g, '');
      if (word.length === 0) continue;
      const known = spell(word, dict);
      if (known === null) {
        if (run.length > 0) out.push(run.join(' '));
        run = [];
      } else {
        run.push(known);
      }
    }
    if (run.length > 0) out.push(run.join(' '));
  }
  return out;
}

/** The words of a CMU-format pronouncing dictionary (`word(2)` variants count once). */
export function dictionaryWords(dictText: string): Set<string> {
  const words = new Set<string>();
  for (const line of dictText.split('\n')) {
    const end = line.indexOf(' ');
    if (end <= 0) continue;
    const head = line.slice(0, end);
    const paren = head.indexOf('(');
    words.add(paren > 0 ? head.slice(0, paren) : head);
  }
  return words;
}
