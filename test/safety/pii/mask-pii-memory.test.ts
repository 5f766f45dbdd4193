import { expect, it } from 'vitest';
import { maskPii, maskPiiRemembers } from '../../../src/safety/pii/mask-pii.ts';

it('remembers a clean text it masked, never one that held personal data', () => {
  const clean = 'Orders paid before 16:00 ship the same day. [1]';
  expect(maskPii(clean)).toBe(clean);
  expect(maskPiiRemembers(clean)).toBe(true);
  const personal = '请寄到张三，电话13812345678';
  const masked = maskPii(personal);
  expect(masked).not.toContain('13812345678');
  expect(maskPiiRemembers(personal)).toBe(false);
  // Asked again, masked again the same way.
  expect(maskPii(personal)).toBe(masked);
});
