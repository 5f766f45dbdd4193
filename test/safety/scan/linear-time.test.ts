import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import type { ScanTiming } from './time-scanners.ts';

/**
 * Issue 13, finding 1: one message of city and district names froze the server (the address
 * pattern backtracked exponentially). Every scanner over customer or model text runs here on
 * 2,000-character adversarial messages in a child process with a kill timer, so a regression
 * fails in seconds instead of hanging the suite. Bounds are generous for a loaded 2-core machine;
 * the linear scanners take well under a millisecond per message at the median.
 */
const SCRIPT = path.join(path.dirname(fileURLToPath(import.meta.url)), 'time-scanners.ts');
const MEDIAN_MS = 50;
const MAX_MS = 200;

export function runScanners(mode: 'corpus' | 'fuzz', names: readonly string[], killAfterMs: number): ScanTiming[] {
  const child = spawnSync(process.execPath, ['--import', 'tsx', SCRIPT, mode, ...names], { encoding: 'utf8', timeout: killAfterMs, killSignal: 'SIGKILL' });
  const lines = child.stdout.split('\n').filter((l) => l.startsWith('{'));
  const timings = lines.map((l) => JSON.parse(l) as ScanTiming);
  if (child.error !== undefined || child.status !== 0) {
    const done = new Set(timings.map((t) => t.scanner));
    const stuck = names.find((n) => !done.has(n)) ?? '?';
    throw new Error(`${mode}: killed or failed after ${killAfterMs} ms while scanning with ${stuck} (${child.error?.message ?? child.stderr.slice(-300)})`);
  }
  return timings;
}

export const SCANNER_GROUPS: readonly (readonly string[])[] = [
  ['pii:address'],
  ['pii:person_name', 'pii:phone', 'pii:landline', 'pii:id_card', 'pii:bank_card', 'pii:uscc', 'pii:email', 'pii:ip', 'pii:passport', 'pii:permit', 'pii:license_plate'],
  ['pii:mask'],
  ['input-guard'],
  ['output-guard'],
  ['entities'],
  ['intent-normalize'],
];

describe('scanners run in linear time on adversarial 2,000-character messages', () => {
  it('the address recognizer on "北京市朝阳区" × 18 and × 333 (the reported freeze)', () => {
    const child = spawnSync(
      process.execPath,
      ['--import', 'tsx', '--input-type=module', '-e', `
        const { addressRecognizer } = await import(${JSON.stringify(path.resolve('src/safety/pii/recognizers/address.ts'))});
        const out = [];
        for (const n of [18, 333]) { const t = performance.now(); addressRecognizer.find('北京市朝阳区'.repeat(n)); out.push(performance.now() - t); }
        console.log(JSON.stringify(out));`],
      { encoding: 'utf8', timeout: 10_000, killSignal: 'SIGKILL' },
    );
    expect(child.error?.message, 'killed after 10 s').toBeUndefined();
    const [ms18, ms333] = JSON.parse(child.stdout) as number[];
    expect(ms18).toBeLessThan(50);
    expect(ms333).toBeLessThan(50);
  }, 20_000);

  for (const group of SCANNER_GROUPS) {
    it(group.join(', '), () => {
      for (const t of runScanners('corpus', group, 30_000)) {
        expect(t.error, t.scanner).toBeUndefined();
        expect(t.medianMs, `${t.scanner} median`).toBeLessThan(MEDIAN_MS);
        expect(t.maxMs, `${t.scanner} slowest: ${t.slowest}`).toBeLessThan(MAX_MS);
      }
    }, 40_000);
  }
});
