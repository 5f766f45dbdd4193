import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { squash } from '../../../src/safety/output-guard/output-guard.ts';

// The guard squashes the passages and the customer's words once each and joins the results,
// instead of squashing `${given}\n${trusted}` on every check: that must be the same string.
describe('squash across a newline', () => {
  it('squash(a + "\\n" + b) is squash(a) + squash(b) for any text, combining marks and final sigma included', () => {
    const text = fc.oneof(fc.string({ unit: 'grapheme' }), fc.string({ unit: 'binary' }), fc.constantFrom('Σ', 'ΟΔΟΣ', '\u0301e', 'e\u0301', 'ﬁ', '①', '\u200d', 'İ'));
    fc.assert(
      fc.property(text, text, (a, b) => {
        expect(squash(`${a}\n${b}`)).toBe(squash(a) + squash(b));
      }),
      { seed: 16_3, numRuns: 3000 },
    );
  });
});
