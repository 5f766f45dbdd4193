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

  it('finds what a scan finds through the pair index too: several build thresholds, rebuilds as entries double, removes after them', () => {
    // Enough questions that the index is rebuilt (at 256 and 512 entries) under new feature ranks.
    const many = fc.array(question, { minLength: 250, maxLength: 700 });
    fc.assert(
      fc.property(many, fc.array(fc.nat(), { maxLength: 80 }), fc.array(question, { minLength: 1, maxLength: 6 }), fc.constantFrom(0.3, 0.5, 0.65, 0.8), fc.constantFrom(0.3, 0.5, 0.65, 0.7, 0.8, 0.9, 1), (stored, removals, queries, pairMin, min) => {
        const index = createFeatureIndex<{ intent: string }>({ pairMin });
        let all: Q[] = stored.map((q, i) => ({ ...q, id: i + 1 }));
        for (const q of all) index.add({ id: q.id, group: q.group, features: q.features, value: { intent: q.intent } });
        for (const r of removals) {
          const gone = all[r % all.length]!;
          index.remove(gone.id);
          all = all.filter((q) => q.id !== gone.id);
        }
        for (const q of queries) {
          expect(index.search(q.group, q.features, min).map(({ id, score }) => ({ id, score }))).toEqual(bruteForce(all, q.group, q.features, min, null));
        }
      }),
      { seed: 16_21, numRuns: 60 },
    );
  });

  it('reads about as many posting entries per lookup at 20,000 questions as at 1,000 (pairs of rare words, not lists of common ones)', () => {
    // Every question is a frame (its words in a quarter of all questions) and 2-4 words of 3,000.
    const words = Array.from({ length: 3000 }, (_, i) => `w${i}`);
    const frames = [['how', 'long', 'take'], ['can', 'return'], ['where', 'order'], ['policy', 'what']];
    let seed = 16;
    const next = (k: number): number => {
      seed ^= seed << 13;
      seed ^= seed >>> 17;
      seed ^= seed << 5;
      return (seed >>> 0) % k;
    };
    const ask = (): Set<string> => new Set([...frames[next(frames.length)]!, ...Array.from({ length: 2 + next(3) }, () => words[next(words.length)]!)]);
    const readsPerLookup = (entries: number): number => {
      const index = createFeatureIndex<null>();
      // As the cache stores: only a question no stored one answers (a hit is not stored again).
      const stored: Set<string>[] = [];
      while (stored.length < entries) {
        const features = ask();
        if (index.search('en', features, 0.65).length > 0) continue;
        index.add({ id: stored.length, group: 'en', features, value: null });
        stored.push(features);
      }
      const before = index.scored;
      for (let i = 0; i < 500; i++) index.search('en', i % 2 === 0 ? stored[next(entries)]! : ask(), 0.65);
      return (index.scored - before) / 500;
    };
    const small = readsPerLookup(1_000);
    const large = readsPerLookup(20_000);
    // Single-feature lists: about 20x more reads at 20x the entries.
    expect(large).toBeLessThan(Math.max(2, small * 2));
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
