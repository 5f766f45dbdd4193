import { execFile } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { EvalSetError, evaluateNlu, formatReport, parseLabelledSet, svgChart } from '../../../scripts/eval-nlu.ts';
import { PROJECT_ROOT } from '../../../src/config/load-config.ts';
import type { Nlu } from '../../../src/contracts/nlu.ts';

const run = promisify(execFile);
const GOOD = [
  '{"text":"我要退货","intent":"return","emotion":"neutral","lang":"zh"}',
  '{"text":"where is my parcel","intent":"logistics","emotion":"neutral","lang":"en","note":"plain"}',
].join('\n');

describe('eval:nlu', () => {
  it('parses a labelled set and names the line of any malformed entry', () => {
    expect(parseLabelledSet(`${GOOD}\n\n`, 'x.jsonl')).toHaveLength(2);
    const bad = (content: string): EvalSetError => {
      try {
        parseLabelledSet(content, 'x.jsonl');
      } catch (e) {
        return e as EvalSetError;
      }
      throw new Error('expected a parse error');
    };
    expect(bad(`${GOOD}\n{"text": "oops"`).message).toMatch(/^x\.jsonl:3: not valid JSON/);
    expect(bad(`${GOOD}\n{"text":"x","intent":"shipping","emotion":"neutral","lang":"en"}`)).toMatchObject({ line: 3 });
    expect(bad('{"text":"x","intent":"return","emotion":"happy","lang":"en"}').message).toMatch(/:1: "emotion" must be one of/);
    expect(bad('{"text":"","intent":"return","emotion":"neutral","lang":"en"}').message).toMatch(/"text"/);
    expect(bad('{"text":"x","intent":"return","emotion":"neutral","lang":"fr"}').message).toMatch(/"lang"/);
    expect(bad('\n\n').message).toMatch(/no labelled lines/);
  });

  it('evaluates any Nlu and reports accuracy, confusions and misses', async () => {
    // A stand-in that always answers logistics: half right on GOOD.
    const always: Nlu = {
      understand: () => Promise.resolve({ intent: 'logistics', confidence: 0.9, entities: [], emotion: { label: 'neutral', intensity: 0 }, lang: 'en', source: 'fixed' }),
    };
    const report = await evaluateNlu(always, parseLabelledSet(GOOD, 'x.jsonl'));
    expect(report.intentAccuracy).toBe(0.5);
    expect(report.emotionAccuracy).toBe(1);
    expect(report.byLang.zh.intentAccuracy).toBe(0);
    expect(report.topConfusions).toEqual([{ gold: 'return', predicted: 'logistics', count: 1 }]);
    expect(report.intentMisses).toMatchObject([{ line: 1, text: '我要退货' }]);
    const text = formatReport(report, 'x');
    expect(text).toContain('intent accuracy   50.0%');
    expect(text).toContain('line 1: return → logistics');
    const svg = svgChart(report, 'x');
    expect(svg.startsWith('<svg')).toBe(true);
    expect(svg).toContain('>return</text>');
  });

  it('exits non-zero with the line number on a malformed file', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'eval-nlu-'));
    const file = path.join(dir, 'bad.jsonl');
    writeFileSync(file, `${GOOD}\nnot json\n`);
    const failed = await run(path.join(PROJECT_ROOT, 'node_modules', '.bin', 'tsx'), ['scripts/eval-nlu.ts', '--set', file], { cwd: PROJECT_ROOT }).catch((e: unknown) => e);
    expect(failed).toMatchObject({ code: 1 });
    expect((failed as { stderr: string }).stderr).toMatch(/bad\.jsonl:3: not valid JSON/);
  });

  it('prints JSON with --json for a good file', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'eval-nlu-'));
    const file = path.join(dir, 'good.jsonl');
    writeFileSync(file, GOOD);
    const { stdout } = await run(path.join(PROJECT_ROOT, 'node_modules', '.bin', 'tsx'), ['scripts/eval-nlu.ts', '--set', file, '--json'], { cwd: PROJECT_ROOT });
    const report = JSON.parse(stdout) as { set: string; n: number; intentAccuracy: number };
    expect(report).toMatchObject({ set: 'good', n: 2, intentAccuracy: 1 });
  });
});
