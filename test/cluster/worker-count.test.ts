import { availableParallelism } from 'node:os';
import { expect, it } from 'vitest';
import { workerCount } from '../../src/cluster/worker-count.ts';

it('takes --workers over KEFU_WORKERS, and one per core when neither says', () => {
  expect(workerCount('3', { KEFU_WORKERS: '2' })).toBe(3);
  expect(workerCount(undefined, { KEFU_WORKERS: '2' })).toBe(2);
  expect(workerCount(undefined, {})).toBe(availableParallelism());
  expect(workerCount('auto', {})).toBe(availableParallelism());
});

it('refuses a count that is not a whole number from 1 to 256, naming where it came from', () => {
  expect(() => workerCount('0', {})).toThrow(/--workers must be a whole number/);
  expect(() => workerCount(undefined, { KEFU_WORKERS: '1.5' })).toThrow(/KEFU_WORKERS must be a whole number/);
  expect(() => workerCount('many', {})).toThrow(/got "many"/);
});
