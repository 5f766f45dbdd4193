import { describe, expect, it } from 'vitest';
import { runScanners, SCANNER_GROUPS } from './run-scanners.ts';

/**
 * Property-based fuzzing (fast-check) of every scanner over customer or model text: repetitions of
 * its own fragments with near-miss endings, random mixes of all fragments, and arbitrary strings
 * of up to 2,000 characters (lone surrogates included). The input and output guards run twice: with
 * a fixed context, and with their history, passages and prompts cut from the fuzzed text. Each message must be scanned without an exception in under 200 ms of
 * CPU, and the median under 50 ms. In a child process with a kill timer, as in linear-time.test.ts;
 * SCAN_FUZZ_RUNS (default 100 per scanner) and SCAN_FUZZ_SEED tune and replay a run.
 */
describe('scanners under fast-check', () => {
  for (const group of SCANNER_GROUPS) {
    it(group.join(', '), () => {
      for (const t of runScanners('fuzz', group, 60_000)) {
        expect(t.error, t.scanner).toBeUndefined();
        expect(t.medianMs, `${t.scanner} median`).toBeLessThan(50);
        expect(t.maxMs, `${t.scanner} slowest: ${t.slowest}`).toBeLessThan(200);
      }
    }, 90_000);
  }
});
