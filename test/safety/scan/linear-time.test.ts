import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { runScanners, SCANNER_GROUPS } from './run-scanners.ts';

/**
 * Issue 13, finding 1: one message of city and district names froze the server (the address
 * pattern backtracked exponentially). Every scanner over customer or model text runs here on
 * 2,000-character adversarial messages in a child process with a kill timer, so a regression
 * fails in seconds instead of hanging the suite. Bounds are generous for a loaded 2-core machine;
 * the linear scanners take well under a millisecond per message at the median.
 */
const MEDIAN_MS = 50;
const MAX_MS = 200;

describe('scanners run in linear time on adversarial 2,000-character messages', () => {
  it('the address recognizer on "北京市朝阳区" × 18 and × 333 (the reported freeze)', () => {
    const child = spawnSync(
      process.execPath,
      ['--import', 'tsx', '--input-type=module', '-e', `
        const { addressRecognizer } = await import(${JSON.stringify(path.resolve('src/safety/pii/recognizers/address.ts'))});
        addressRecognizer.find('寄到上海市浦东新区世纪大道100号');
        const out = [];
        // The least of three tries: process-wide CPU time also counts V8's compiler and GC threads
        // on a first call; the reported backtracking took 48 s on every try.
        for (const n of [18, 333]) {
          let least = Infinity;
          for (let i = 0; i < 3; i++) {
            const t = process.cpuUsage();
            addressRecognizer.find('北京市朝阳区'.repeat(n));
            const d = process.cpuUsage(t);
            least = Math.min(least, (d.user + d.system) / 1000);
          }
          out.push(least);
        }
        console.log(JSON.stringify(out));`],
      { encoding: 'utf8', timeout: 10_000, killSignal: 'SIGKILL' },
    );
    expect(child.error?.message, 'killed after 10 s').toBeUndefined();
    const [ms18, ms333] = JSON.parse(child.stdout) as number[];
    expect(ms18).toBeLessThan(50);
    expect(ms333).toBeLessThan(50);
  }, 20_000);

  it('the PII engine at 20,000 characters, what /v1/pii/* accepts: ten times the work, not a hundred', () => {
    const [t] = runScanners('corpus-long', ['pii:mask'], 60_000);
    expect(t!.error).toBeUndefined();
    expect(t!.maxMs, `slowest: ${t!.slowest}`).toBeLessThan(1_000);
  }, 90_000);

  for (const group of SCANNER_GROUPS) {
    it(group.join(', '), () => {
      for (const t of runScanners('corpus', group, 60_000)) {
        expect(t.error, t.scanner).toBeUndefined();
        expect(t.medianMs, `${t.scanner} median`).toBeLessThan(MEDIAN_MS);
        expect(t.maxMs, `${t.scanner} slowest: ${t.slowest}`).toBeLessThan(MAX_MS);
      }
    }, 90_000);
  }
});
