import { describe, expect, it } from 'vitest';
import { createTokenTextStream } from '../../src/llm/token-text-stream.ts';

/** Byte tokens decoded as UTF-8, the way llama.cpp renders byte-fallback tokens. */
const bytesDetokenize = (tokens: readonly number[]): string => Buffer.from(tokens).toString('utf8');
const run = (tokens: readonly number[], stops: readonly string[] = []) => {
  const s = createTokenTextStream({ detokenize: bytesDetokenize, stops });
  const deltas: string[] = [];
  for (const t of tokens) {
    const step = s.push(t);
    if (step.delta !== '') deltas.push(step.delta);
    if (step.stopped) return { deltas, stopped: true };
  }
  const rest = s.flush();
  if (rest !== '') deltas.push(rest);
  return { deltas, stopped: false };
};
const bytes = (s: string): number[] => [...Buffer.from(s, 'utf8')];

describe('createTokenTextStream', () => {
  it('holds back an incomplete multi-byte character until it is complete', () => {
    const { deltas } = run(bytes('退款😀ok'));
    expect(deltas).toEqual(['退', '款', '😀', 'o', 'k']);
  });

  it('stops at a stop string split across tokens and never emits it', () => {
    const { deltas, stopped } = run(bytes('好的<|end|>\n<|user|>'), ['<|end|>']);
    expect(stopped).toBe(true);
    expect(deltas.join('')).toBe('好的');
  });

  it('releases held-back text once it turns out not to be a stop string', () => {
    const { deltas, stopped } = run(bytes('a<|en b'), ['<|end|>']);
    expect(stopped).toBe(false);
    expect(deltas.join('')).toBe('a<|en b');
    expect(deltas[0]).toBe('a');
  });

  it('flushes a genuinely broken byte sequence at the end', () => {
    const { deltas } = run([0x61, 0xe4, 0xbd]);
    expect(deltas.join('')).toBe('a\uFFFD');
  });
});
