import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createFeatureIndex } from '../../src/cache/feature-index.ts';
import { jaccard } from '../../src/cache/normalise.ts';

interface Q { id: number; group: string; features: Set<string>; intent: string }

/** What the cache did before it had an index: score every question of the group, keep >= min. */
function bruteForce(all: readonly Q[], group: string, features: Set<string>, min: number, intent: string | null) {
  return all
    .filter((q) => q.group === group && (intent === null || q.intent === intent))
    .map((q) => ({ id: q.id, score: jaccard(features, q.features) }))
    .filter((c) => c.score > 0 && c.score >= min)
    .sort((a, b) => b.score - a.score || a.id - b.id);
}

// A small alphabet, so random questions overlap often and every threshold has candidates near it.
const feature = fc.constantFrom(...'abcdefghijklmnopqrstuvwxyz'.slice(0, 14).split(''), 'zz', 'yy');
const features = fc.uniqueArray(feature, { minLength: 1, maxLength: 12 }).map((a) => new Set(a));
const question = fc.record({ group: fc.constantFrom('zh', 'en'), features, intent: fc.constantFrom('a', 'b') });

describe('feature index', () => {
  it('finds exactly the questions a brute-force scan finds, in the same order, after adds and removes', () => {
    fc.assert(
      fc.property(
        fc.array(question, { maxLength: 60 }),
        fc.array(fc.nat(), { maxLength: 15 }),
        fc.array(fc.record({ group: fc.constantFrom('zh', 'en'), features, intent: fc.option(fc.constantFrom('a', 'b')) }), { minLength: 1, maxLength: 8 }),
        fc.constantFrom(0, 0.1, 0.25, 1 / 3, 0.5, 0.6, 0.65, 0.7, 0.75, 0.8, 0.9, 1),
        (stored, removals, queries, min) => {
          const index = createFeatureIndex<{ intent: string }>();
          let all: Q[] = stored.map((q, i) => ({ ...q, id: i + 1 }));
          for (const q of all) index.add({ id: q.id, group: q.group, features: q.features, value: { intent: q.intent } });
          for (const r of removals) {
            if (all.length === 0) break;
            const gone = all[r % all.length]!;
            index.remove(gone.id);
            all = all.filter((q) => q.id !== gone.id);
          }
          for (const q of queries) {
            const found = index.search(q.group, q.features, min, (v) => q.intent === null || v.intent === q.intent).map(({ id, score }) => ({ id, score }));
            expect(found).toEqual(bruteForce(all, q.group, q.features, min, q.intent));
          }
        },
      ),
      { seed: 16_2, numRuns: 400 },
    );
  });

  it('re-adding an id replaces its features', () => {
    const index = createFeatureIndex<null>();
    index.add({ id: 1, group: 'en', features: new Set(['a', 'b']), value: null });
    index.add({ id: 1, group: 'en', features: new Set(['c', 'd']), value: null });
    expect(index.search('en', new Set(['a', 'b']), 0.5)).toEqual([]);
    expect(index.search('en', new Set(['c', 'd']), 0.5)).toEqual([{ id: 1, score: 1, value: null }]);
    expect(index.size).toBe(1);
  });
});
