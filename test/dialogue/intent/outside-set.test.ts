import { execFile } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { evaluateNlu, formatSideBySide, parseLabelledSet } from '../../../scripts/eval-nlu.ts';
import { OutsideSetError, evaluateOutside, formatOutside, loadOutsideSet, parseOutsideSet } from '../../../scripts/outside-set.ts';
import { PROJECT_ROOT } from '../../../src/config/load-config.ts';
import type { Nlu } from '../../../src/contracts/nlu.ts';

const run = promisify(execFile);
// Made-up rows in the outside file's format (never lines from the real file).
const TSV = [
  'utterance\texpected_intent\tlang\tsource',
  'where is my box\torder_status|logistics\ten\tcorpus-a:track',
  'hello\tgreeting\ten\tcorpus-b:hi',
  '发票\tinvoice\tzh\tcorpus-c:sample',
].join('\n');

describe('outside evaluation set', () => {
  it('parses alternatives and counts either as right', async () => {
    const rows = parseOutsideSet(TSV, 'x.tsv');
    expect(rows[0]).toMatchObject({ gold: ['order_status', 'logistics'], lang: 'en', source: 'corpus-a:track', line: 2 });
    const always: Nlu = {
      understand: () => Promise.resolve({ intent: 'logistics', confidence: 0.9, entities: [], emotion: { label: 'neutral', intensity: 0 }, lang: 'en', source: 'fixed' }),
    };
    const report = await evaluateOutside(always, rows);
    expect(report.accuracy).toBeCloseTo(1 / 3);
    expect(report.byLang.en).toMatchObject({ n: 2, correct: 1 });
    expect(report.bySource['corpus-a']).toMatchObject({ n: 1, correct: 1 });
    expect(report.perIntent.find((s) => s.intent === 'greeting')).toMatchObject({ recall: 0, missedAs: { logistics: 1 } });
    // Totals and counts only: the report never prints an utterance.
    expect(formatOutside(report)).not.toContain('hello');
  });

  it('puts the in-house and outside numbers side by side, n/a where the outside set is missing', async () => {
    const always: Nlu = {
      understand: () => Promise.resolve({ intent: 'invoice', confidence: 0.9, entities: [], emotion: { label: 'neutral', intensity: 0 }, lang: 'zh', source: 'fixed' }),
    };
    const inHouse = await evaluateNlu(always, parseLabelledSet('{"text":"开发票","intent":"invoice","emotion":"neutral","lang":"zh"}', 'x.jsonl'));
    const outside = await evaluateOutside(always, parseOutsideSet(TSV, 'x.tsv'));
    const table = formatSideBySide(inHouse, outside, 'test');
    expect(table).toMatch(/intent accuracy\s+100\.0%\s+33\.3%/);
    expect(table).toMatch(/zh\s+100\.0%\s+100\.0%/);
    expect(formatSideBySide(inHouse, undefined, 'test')).toMatch(/intent accuracy\s+100\.0%\s+n\/a/);
  });

  it('rejects unknown intents and a missing file with a message that says where', () => {
    expect(() => parseOutsideSet(`${TSV}\nx\tshipping\ten\ts`, 'x.tsv')).toThrow(/line 5: unknown intent shipping/);
    expect(() => loadOutsideSet('/nonexistent/intents.tsv')).toThrow(OutsideSetError);
    expect(() => loadOutsideSet('/nonexistent/intents.tsv')).toThrow(/not found/);
  });

  it('--set outside with a missing file exits non-zero and says so', async () => {
    const failed = await run(path.join(PROJECT_ROOT, 'node_modules', '.bin', 'tsx'), ['scripts/eval-nlu.ts', '--set', 'outside', '--outside-file', '/nonexistent/x.tsv'], { cwd: PROJECT_ROOT }).catch((e: unknown) => e);
    expect(failed).toMatchObject({ code: 1 });
    expect((failed as { stderr: string }).stderr).toMatch(/outside evaluation set not found/);
  });

  it('--set outside reads a file given with --outside-file', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'eval-outside-'));
    const file = path.join(dir, 'o.tsv');
    writeFileSync(file, TSV);
    const { stdout } = await run(path.join(PROJECT_ROOT, 'node_modules', '.bin', 'tsx'), ['scripts/eval-nlu.ts', '--set', 'outside', '--outside-file', file, '--json'], { cwd: PROJECT_ROOT });
    expect(JSON.parse(stdout)).toMatchObject({ set: 'outside', n: 3 });
  });
});
