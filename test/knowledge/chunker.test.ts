import { describe, expect, it } from 'vitest';
import { chunkText } from '../../src/knowledge/chunker.ts';

const strip = (s: string): string => s.replace(/\s+/g, '');

describe('chunkText', () => {
  it('keeps a short document as one chunk', () => {
    expect(chunkText('  每天16:00前付款的订单当天发货。  ')).toEqual(['每天16:00前付款的订单当天发货。']);
    expect(chunkText('')).toEqual([]);
  });

  it('splits long Chinese text at 。！？ into ~300-400 character passages without losing text', () => {
    const sentence = '每天16:00前付款的订单当天发货，16:00后付款的订单次日发货。江浙沪地区一般1–2天送达！偏远地区5–7天送达？';
    const text = sentence.repeat(12);
    const chunks = chunkText(text);
    expect(chunks.length).toBeGreaterThan(1);
    for (const c of chunks) {
      expect(c.length).toBeLessThanOrEqual(500);
      expect(c).toMatch(/[。！？]$/);
    }
    for (const c of chunks.slice(0, -1)) expect(c.length).toBeGreaterThanOrEqual(250);
    expect(chunks.join('')).toBe(text);
  });

  it('splits English at sentence ends but not inside numbers like 1.5', () => {
    const text = 'Orders paid before 16:00 ship the same day. Delivery takes 1.5 days on average! Really? Yes. '.repeat(10);
    const chunks = chunkText(text);
    expect(chunks.length).toBeGreaterThan(1);
    for (const c of chunks) expect(c).toMatch(/[.!?]$/);
    expect(chunks.some((c) => c.startsWith('5 days'))).toBe(false);
    expect(strip(chunks.join(''))).toBe(strip(text));
  });

  it('hard-splits a sentence longer than the limit', () => {
    const chunks = chunkText('x'.repeat(1000));
    expect(chunks.every((c) => c.length <= 420)).toBe(true);
    expect(chunks.join('')).toBe('x'.repeat(1000));
  });
});
