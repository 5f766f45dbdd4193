import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { buildArpa } from '../../src/multimodal/asr/build-arpa.ts';
import { dictionaryWords, toLmSentences } from '../../src/multimodal/asr/lm-sentences.ts';
import { EN_US_DICT, KEFU_EN_LM } from '../../src/multimodal/asr/pocketsphinx-model.ts';

/** P(w | history) read back from ARPA text with Katz back-off, as a decoder reads it. */
function arpaModel(arpa: string) {
  const grams = new Map<string, { p: number; bow: number }>();
  let order = 0;
  for (const line of arpa.split('\n')) {
    const head = /^\\(\d)-grams:$/.exec(line);
    if (head) {
      order = Number(head[1]);
      continue;
    }
    if (order === 0 || line.trim() === '' || line.startsWith('\\')) continue;
    const parts = line.split(/\s+/);
    const words = parts.slice(1, 1 + order).join(' ');
    grams.set(words, { p: 10 ** Number(parts[0]), bow: parts.length > 1 + order ? 10 ** Number(parts[1 + order]) : 1 });
  }
  const prob = (history: string[], w: string): number => {
    const key = [...history, w].join(' ');
    const hit = grams.get(key);
    if (hit !== undefined) return hit.p;
    if (history.length === 0) return 0;
    return (grams.get(history.join(' '))?.bow ?? 1) * prob(history.slice(1), w);
  };
  const vocab = [...grams.keys()].filter((k) => !k.includes(' ') && k !== '<s>');
  return { prob, vocab };
}

describe('the embedded recognizer\'s language model', () => {
  it('is a proper distribution after every history, seen or not', () => {
    const arpa = buildArpa(['where is my order', 'where is my refund', 'my order is late', 'how do i install the air purifier', 'install the tv']);
    const { prob, vocab } = arpaModel(arpa);
    for (const history of [['<s>'], ['where', 'is'], ['my'], ['is', 'my'], ['the', 'air'], ['order', 'where'], ['late']]) {
      const total = vocab.reduce((sum, w) => sum + prob(history, w), 0);
      expect(total, history.join(' ')).toBeCloseTo(1, 3);
    }
    // Seen continuations are likelier than unseen ones.
    expect(prob(['is', 'my'], 'order')).toBeGreaterThan(prob(['is', 'my'], 'install'));
  });

  it('keeps only words the pronouncing dictionary has, in runs that do not cross punctuation or digits', () => {
    const dict = new Set(['where', 'is', 'my', 'order', "what's", "don't", 'the', 'tv']);
    expect(toLmSentences('Where is my order? whats the TV, dont 65 tv zzyzx order', dict)).toEqual(['where is my order', "what's the tv", "don't", 'tv', 'order']);
    expect(dictionaryWords('a AH\nread R IY D\nread(2) R EH D\n')).toEqual(new Set(['a', 'read']));
  });

  it('is what scripts/build-asr-lm.ts makes of the templates and the demo KB, for the words of the dictionary', () => {
    const arpa = readFileSync(KEFU_EN_LM, 'utf8');
    expect(arpa.startsWith('\\data\\\nngram 1=')).toBe(true);
    const dict = dictionaryWords(readFileSync(EN_US_DICT, 'utf8'));
    const unigrams = arpa.slice(arpa.indexOf('\\1-grams:'), arpa.indexOf('\\2-grams:')).split('\n').slice(1).filter((l) => l.trim() !== '').map((l) => l.split(/\s+/)[1]!);
    expect(unigrams.filter((w) => w !== '<s>' && w !== '</s>' && !dict.has(w))).toEqual([]);
    for (const w of ['order', 'refund', 'install', 'purifier', 'heater', 'invoice']) expect(unigrams).toContain(w);
  });
});
