import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { SubstringIndex } from '../../../src/safety/output-guard/substring-index.ts';

// The output guard skips searching a reply for a source's shingles when the source's substring
// index says the reply shares no run that long with it (issue 16): the index must never say "no"
// where a common substring of that length exists. Held to a brute-force search.
const longestCommon = (indexed: string, text: string): number => {
  let best = 0;
  for (let i = 0; i < text.length; i++) for (let j = i + best + 1; j <= text.length && indexed.includes(text.slice(i, j)); j++) best = j - i;
  return best;
};

describe('SubstringIndex.sharesRunOf', () => {
  it('says whether a text shares a run of n code units with the indexed text, for every n', () => {
    const unit = fc.constantFrom('a', 'b', 'c', '好', '😀', '\uD83D', 'x');
    fc.assert(
      fc.property(fc.string({ unit, maxLength: 40 }), fc.string({ unit, maxLength: 40 }), (indexed, text) => {
        const index = new SubstringIndex(indexed);
        const longest = longestCommon(indexed, text);
        for (let n = 1; n <= 42; n++) expect(index.sharesRunOf(text, n)).toBe(longest >= n);
      }),
      { seed: 16_18, numRuns: 3000 },
    );
  });

  it('finds a shingle-long copy of a system prompt inside a longer reply', () => {
    const prompt = 'youarekefuacustomerserviceassistantanswerfromthepassagesonly';
    const index = new SubstringIndex(prompt);
    expect(index.sharesRunOf(`hello${prompt.slice(7, 35)}bye`, 28)).toBe(true);
    expect(index.sharesRunOf(`hello${prompt.slice(7, 34)}bye`, 28)).toBe(false);
    expect(new SubstringIndex('').sharesRunOf('abc', 1)).toBe(false);
  });
});
