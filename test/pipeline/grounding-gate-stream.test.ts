import { describe, expect, it } from 'vitest';
import { gateModelReply, isRetract, type GroundingGateDeps } from '../../src/pipeline/grounding-gate.ts';

/** The gate over the generator's text stream, as the pipeline wires it (src/pipeline/grounding-gate.ts). */
const shipTimes = { title: 'Shipping times: how long does delivery take?', text: 'Orders paid before 16:00 ship the same day; orders paid after 16:00 ship the next day. During big sales, dispatch may be delayed by 1–2 days.', score: 10 };
const invoice = { title: 'How do I get an invoice?', text: 'Electronic invoices are issued within 48 hours of delivery.', score: 2 };
const EXTRACT = 'Orders paid before 16:00 ship the same day; orders paid after 16:00 ship the next day. [1]';

function deps(over: Partial<GroundingGateDeps> = {}): GroundingGateDeps & { reasons: string[] } {
  const reasons: string[] = [];
  return { question: 'How long does shipping take?', passages: [shipTimes, invoice], gen: { fallback: null }, replacement: () => EXTRACT, noAnswer: () => 'NO ANSWER', onReplaced: (r) => reasons.push(r), reasons, ...over };
}

async function run(chunks: readonly string[], d: GroundingGateDeps, fallbackAt = -1): Promise<(string | 'RETRACT')[]> {
  async function* stream(): AsyncGenerator<string> {
    for (const [i, c] of chunks.entries()) {
      if (i === fallbackAt) d.gen.fallback = 'declined_despite_passages';
      yield c;
    }
  }
  const out: (string | 'RETRACT')[] = [];
  for await (const part of gateModelReply(stream(), d)) out.push(isRetract(part) ? 'RETRACT' : part);
  return out;
}

describe('gateModelReply', () => {
  it('lets a sound reply through untouched', async () => {
    const d = deps();
    expect(await run(['Orders paid before 16:00 ', 'ship the same day. [1]'], d)).toEqual(['Orders paid before 16:00 ', 'ship the same day. [1]']);
    expect(d.gen.fallback).toBeNull();
  });

  it('withdraws a cut reply for the extractive answer and marks the turn', async () => {
    const d = deps();
    const out = await run(['Orders paid before 16:00 ship the same day. ', 'During big sales, dispatch [1]'], d);
    expect(out.slice(-2)).toEqual(['RETRACT', EXTRACT]);
    expect(d.gen.fallback).toMatch(/^grounding:.*truncated/);
    expect(d.reasons).toEqual([d.gen.fallback]);
  });

  it('says it has no reliable answer when the extractive answer is off the topic too', async () => {
    const d = deps({ replacement: () => 'Electronic invoices are issued within 48 hours of delivery. [2]' });
    const out = await run(['Electronic invoices are issued within 48 hours of delivery. [2]'], d);
    expect(out.slice(-2)).toEqual(['RETRACT', 'NO ANSWER']);
  });

  it("withdraws the fragment the generator let through before its own fallback", async () => {
    const d = deps();
    expect(await run(['Orders paid ', `\n${EXTRACT}`], d, 1)).toEqual(['Orders paid ', 'RETRACT', EXTRACT]);
    expect(d.gen.fallback).toBe('declined_despite_passages');
  });

  it('does not judge a reply the customer walked away from', async () => {
    const d = deps({ gen: { fallback: null, finishReason: 'abort' } });
    expect(await run(['Orders paid before 16:00 ship'], d)).toEqual(['Orders paid before 16:00 ship']);
    expect(d.gen.fallback).toBeNull();
  });
});
