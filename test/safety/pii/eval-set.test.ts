import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { CHECKSUM_TYPES, evaluatePii, loadPiiCases, parsePiiCases, PiiCaseError } from '../../../scripts/eval-pii.ts';
import { PROJECT_ROOT } from '../../../src/config/load-config.ts';
import { createPiiEngine } from '../../../src/safety/pii/create-pii-engine.ts';

const set = (name: string) => loadPiiCases(path.join(PROJECT_ROOT, 'eval', 'pii', name));

describe('PII evaluation set (regression guard)', () => {
  const cases = set('cases.jsonl');
  const report = evaluatePii(createPiiEngine(), cases);

  it('has at least 300 cases, 80 decoy lines and every type', () => {
    expect(cases.length).toBeGreaterThanOrEqual(300);
    expect(report.decoys.lines).toBeGreaterThanOrEqual(80);
    for (const s of report.perType) expect(s.support, s.type).toBeGreaterThanOrEqual(8);
  });

  it('meets the targets: recall ≥ 0.99 on checksum types, ≥ 0.9 on names and addresses, precision ≥ 0.97', () => {
    for (const type of CHECKSUM_TYPES) expect(report.perType.find((s) => s.type === type)!.recall, type).toBeGreaterThanOrEqual(0.99);
    expect(report.perType.find((s) => s.type === 'person_name')!.recall).toBeGreaterThanOrEqual(0.9);
    expect(report.perType.find((s) => s.type === 'address')!.recall).toBeGreaterThanOrEqual(0.9);
    expect(report.overall.precision).toBeGreaterThanOrEqual(0.97);
    expect(report.targets.every((t) => t.met)).toBe(true);
  });

  it('shares no message with the dev set used for tuning', () => {
    const dev = new Set(set('dev.jsonl').map((c) => c.text));
    expect(cases.filter((c) => dev.has(c.text))).toEqual([]);
  });
});

describe('PII case parsing and scoring', () => {
  it('names the file and line of a bad case', () => {
    expect(() => parsePiiCases('{"text":"a","entities":[{"type":"phone","text":"b"}]}', 'x.jsonl')).toThrow(PiiCaseError);
    expect(() => parsePiiCases('\n{"text":"a","entities":[{"type":"nope","text":"a"}]}', 'x.jsonl')).toThrow(/x\.jsonl:2: entity type/);
    expect(() => parsePiiCases('{"text":', 'x.jsonl')).toThrow(/x\.jsonl:1: not valid JSON/);
  });

  it('counts overlap matches, misses and false positives per type', () => {
    const cases = parsePiiCases(
      [
        '{"text":"电话13812345678","entities":[{"type":"phone","text":"13812345678"}]}',
        '{"text":"我叫张伟","entities":[{"type":"person_name","text":"张伟"},{"type":"address","text":"我叫"}]}',
        '{"text":"call +86 138 1234 5678","entities":[{"type":"phone","text":"138 1234 5678"}]}',
        '{"text":"订单KF20261124001 邮箱a@b.cn","entities":[]}',
      ].join('\n'),
      'x.jsonl',
    );
    const r = evaluatePii(createPiiEngine(), cases);
    const phone = r.perType.find((s) => s.type === 'phone')!;
    expect(phone).toMatchObject({ support: 2, tp: 2, precision: 1, recall: 1, exact: 0.5 });
    expect(r.misses.map((m) => m.type)).toEqual(['address']);
    expect(r.falsePositives.map((f) => f.found)).toEqual(['a@b.cn']);
    expect(r.boundaryMismatches).toHaveLength(1);
    expect(r.decoys).toEqual({ lines: 1, flagged: 1 });
  });
});
