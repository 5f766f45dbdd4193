import { expect, it } from 'vitest';
import { perLoopPass } from '../../src/store/per-loop-pass.ts';

const nextPass = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

it('reads once per pass of the event loop and again in the next', async () => {
  let source = 1;
  let reads = 0;
  const current = perLoopPass(() => (reads++, source));
  expect(current()).toBe(1);
  source = 2;
  // Same pass, microtasks included: the value read first.
  expect(current()).toBe(1);
  await Promise.resolve();
  expect(current()).toBe(1);
  expect(reads).toBe(1);
  await nextPass();
  expect(current()).toBe(2);
  expect(reads).toBe(2);
  // Nothing read while nobody asks: a pass without a call costs nothing.
  await nextPass();
  await nextPass();
  expect(reads).toBe(2);
  expect(current()).toBe(2);
  expect(reads).toBe(3);
});
