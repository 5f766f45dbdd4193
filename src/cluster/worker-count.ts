import { availableParallelism } from 'node:os';
import { KefuError } from '../errors.ts';

/**
 * How many HTTP worker processes `kefu serve` runs: `--workers N`, else `KEFU_WORKERS`, else one
 * per core. 1 keeps the single-process server (no primary, no IPC).
 */
export function workerCount(flag: string | undefined, env: NodeJS.ProcessEnv = process.env): number {
  const raw = flag ?? env['KEFU_WORKERS'];
  if (raw === undefined || raw.trim() === '' || raw.trim() === 'auto') return availableParallelism();
  const n = Number(raw);
  if (!Number.isSafeInteger(n) || n < 1 || n > 256) {
    throw new KefuError('invalid_config', `${flag === undefined ? 'KEFU_WORKERS' : '--workers'} must be a whole number from 1 to 256 or "auto" (one per core), got "${raw}"`);
  }
  return n;
}
