import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { ScanTiming } from './time-scanners.ts';

const SCRIPT = path.join(path.dirname(fileURLToPath(import.meta.url)), 'time-scanners.ts');

/**
 * Runs time-scanners.ts in a child process and returns one timing per scanner. The child is
 * killed after `killAfterMs`: a scanner that backtracks for minutes fails the test, naming the
 * scanner it was stuck in, instead of hanging the suite.
 */
export function runScanners(mode: 'corpus' | 'corpus-long' | 'fuzz', names: readonly string[], killAfterMs: number): ScanTiming[] {
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

/** One child per group: starting one costs seconds (imports), so scanners share them. */
export const SCANNER_GROUPS: readonly (readonly string[])[] = [
  ['pii:address', 'pii:person_name', 'pii:phone', 'pii:landline', 'pii:id_card', 'pii:bank_card', 'pii:uscc', 'pii:email', 'pii:ip', 'pii:passport', 'pii:permit', 'pii:license_plate', 'pii:mask', 'pii:normalize'],
  ['input-guard', 'output-guard'],
  ['input-guard:context', 'output-guard:context'],
  ['entities', 'intent-normalize'],
  ['intent', 'emotion'],
];
