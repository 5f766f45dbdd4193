import { describe, expect, it } from 'vitest';
import { splitWecomText, WECOM_TEXT_MAX_BYTES } from '../../../src/channels/wecom/split-wecom-text.ts';

const bytes = (s: string) => Buffer.byteLength(s, 'utf8');

describe('splitting replies for WeCom\'s 2048-byte text limit', () => {
  it('leaves a short text whole and an empty one out', () => {
    expect(splitWecomText('您好。')).toEqual(['您好。']);
    expect(splitWecomText('')).toEqual([]);
    const exact = '好'.repeat(682) + 'ab'; // 2046 + 2 bytes
    expect(bytes(exact)).toBe(WECOM_TEXT_MAX_BYTES);
    expect(splitWecomText(exact)).toEqual([exact]);
  });

  it('cuts at sentence ends, every piece within the limit, nothing lost', () => {
    const sentence = '退货请在订单页面点击申请退货，审核通过后寄回商品。'; // 25 chars, 75 bytes
    const text = Array.from({ length: 60 }, (_, i) => `${i}. ${sentence}`).join(' ') + ' Version 3.5 is out! Done?';
    const pieces = splitWecomText(text);
    expect(pieces.length).toBeGreaterThan(1);
    expect(pieces.join('')).toBe(text);
    for (const p of pieces) expect(bytes(p)).toBeLessThanOrEqual(WECOM_TEXT_MAX_BYTES);
    for (const p of pieces.slice(0, -1)) expect(p.trimEnd()).toMatch(/[。！？；!?;.]$/);
  });

  it('cuts one overlong sentence at code points, never inside a character', () => {
    const text = '🙂好a'.repeat(400); // 8 bytes a round, 3200 bytes, no sentence end
    const pieces = splitWecomText(text);
    expect(pieces.join('')).toBe(text);
    for (const p of pieces) {
      expect(bytes(p)).toBeLessThanOrEqual(WECOM_TEXT_MAX_BYTES);
      expect(p).not.toMatch(/^[\uDC00-\uDFFF]|[\uD800-\uDBFF]$/);
    }
  });
});
