import { describe, expect, it } from 'vitest';
import { SentenceHoldback } from '../../src/pipeline/sentence-holdback.ts';
import { mulberry32 } from '../../src/random/mulberry32.ts';

const TEXTS = [
  'Orders paid before 16:00 ship the same day. Delivery takes 1.5 days on average.\nRefunds: 3-7 days; see e.g. the FAQ. Done.',
  '您好！订单已发货。预计3.5天到达；如有问题请联系客服？谢谢。',
  'Version 2.0 is out... Really? Yes! Price: 9.99. End.',
  'No boundary at all in this text',
  '...',
  'A.\n\nB. C.D. E',
];

/** Sentences and the rest, from pushing `tokens` one by one. */
function run(tokens: readonly string[]): { sentences: string[]; rest: string } {
  const h = new SentenceHoldback();
  const sentences = tokens.flatMap((t) => h.push(t));
  return { sentences, rest: h.flush() };
}

describe('SentenceHoldback', () => {
  it('cuts the same sentences however the text is split into tokens (400 random splits)', () => {
    const rand = mulberry32(16);
    for (const text of TEXTS) {
      const whole = run([text]);
      expect(whole.sentences.join('') + whole.rest).toBe(text);
      for (let k = 0; k < 400 / TEXTS.length; k++) {
        const tokens: string[] = [];
        for (let i = 0; i < text.length; ) {
          const n = 1 + Math.floor(rand() * 4);
          tokens.push(text.slice(i, i + n));
          i += n;
        }
        expect(run(tokens)).toEqual(whole);
      }
    }
  });

  it('holds a "." at the end of a token until the next shows whether it ends a sentence', () => {
    const h = new SentenceHoldback();
    expect(h.push('It costs 9.')).toEqual([]);
    expect(h.push('99. Next')).toEqual(['It costs 9.99.']);
    expect(h.push('.')).toEqual([]);
    expect(h.push(' ')).toEqual([' Next.']);
    expect(h.flush()).toBe(' ');
  });
});
