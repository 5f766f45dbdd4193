import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { PROJECT_ROOT } from '../../src/config/load-config.ts';
import { ATTACK_CATEGORIES } from '../../src/redteam/attack-goal.ts';
import { AttackCorpusError, loadAttacks, parseAttacks, sampleAttacks } from '../../src/redteam/attack-corpus.ts';

const SEED = path.join(PROJECT_ROOT, 'eval', 'redteam', 'attacks.jsonl');

describe('attack corpus', () => {
  it('the seed corpus has ≥ 160 attacks over every category in both languages', () => {
    const { attacks, duplicates } = loadAttacks([SEED]);
    expect(duplicates).toBe(0);
    expect(attacks.length).toBeGreaterThanOrEqual(160);
    for (const category of ATTACK_CATEGORIES) {
      for (const lang of ['zh', 'en'] as const) {
        expect(attacks.filter((a) => a.category === category && a.lang === lang).length, `${category}/${lang}`).toBeGreaterThanOrEqual(8);
      }
    }
    expect(new Set(attacks.map((a) => a.technique)).size).toBeGreaterThanOrEqual(20);
  });

  it('reads several files, skips missing ones and drops repeated texts', () => {
    const { attacks, files, duplicates } = loadAttacks(['/nonexistent/attacks.jsonl', SEED, SEED]);
    expect(files.map((f) => f.path)).toEqual([SEED, SEED]);
    expect(duplicates).toBe(attacks.length);
  });

  it('names the file and line of a bad entry', () => {
    expect(() => parseAttacks('{"text":"x","category":"fraud"}\n{"text":"y","category":"spam"}', 'a.jsonl')).toThrow(AttackCorpusError);
    expect(() => parseAttacks('{"text":"x","category":"spam"}', 'a.jsonl')).toThrow(/a\.jsonl:1: "category" must be one of/);
    expect(parseAttacks('{"text":"怎么刷单","category":"fraud"}', 'a.jsonl')[0]).toMatchObject({ lang: 'zh', technique: 'unspecified' });
  });

  it('samples round-robin over categories', () => {
    const { attacks } = loadAttacks([SEED]);
    const sample = sampleAttacks(attacks, 16);
    expect(new Set(sample.map((a) => a.category)).size).toBe(8);
    expect(sample.filter((a) => a.lang === 'zh')).toHaveLength(8);
    expect(sampleAttacks(attacks, undefined)).toHaveLength(attacks.length);
  });
});
