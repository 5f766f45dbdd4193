import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import type { Passage } from '../../src/contracts/knowledge-base.ts';
import { DEMO_KB_PATH } from '../../src/config/load-config.ts';
import { chunkText } from '../../src/knowledge/chunker.ts';
import { loadKbFiles } from '../../src/knowledge/load-kb-files.ts';
import { buildPrompt, clipPassage, formatPassages } from '../../src/pipeline/prompt-builder.ts';

const passage = (text: string): Passage => ({ id: 'p#0', docId: 'p', title: 'Shipping times', text, score: 1, trust: 'policy' });

describe('a passage cut for the prompt', () => {
  it('ends at its last whole sentence within the limit, not mid-word', () => {
    const text = 'Orders paid before 16:00 ship the same day. Delivery takes 1–2 days. During big sales, dispatch may take 48 hours.';
    expect(clipPassage(text, 90)).toBe('Orders paid before 16:00 ship the same day. Delivery takes 1–2 days.');
    expect(clipPassage('第一句。第二句很长很长很长很长很长很长很长很长很长。', 10)).toBe('第一句。');
    // A closing bracket or quote stays with its sentence; a decimal point is no sentence end.
    expect(clipPassage('He said "ship it." Then 1.5 kg more went out today with the rest.', 30)).toBe('He said "ship it."');
    expect(clipPassage('（满99元包邮。）其余订单收取运费八元整，偏远地区另计。', 14)).toBe('（满99元包邮。）');
  });

  it('does not end inside brackets or after "e.g.": the demo shop\'s exclusions passage was cut at "(e.g." and copied so', () => {
    const exclusions =
      'The following are excluded from 7-day no-reason returns: customised products; activated software, membership cards, top-up cards and other virtual goods; opened and used personal-care items (e.g. electric toothbrush heads, shavers); installed large appliances (e.g. air conditioners, water heaters and built-in ovens fitted by our installers). Fresh food is excluded too.';
    expect(clipPassage(exclusions, 300)).toBe(`${exclusions.slice(0, 300)}…`);
    expect(clipPassage(exclusions, 360)).toBe(exclusions.slice(0, exclusions.indexOf(' Fresh')));
    expect(clipPassage('Use the form, i.e. the one in Settings. It takes a minute or two to fill in, and then we reply.', 60)).toBe('Use the form, i.e. the one in Settings.');
    expect(clipPassage('可在“我的订单。”中申请。其余情况请联系客服处理，我们会尽快回复。', 20)).toBe('可在“我的订单。”中申请。');
  });

  it('is cut mid-text with "…" when its first sentence end comes too early or not at all', () => {
    expect(clipPassage('x'.repeat(400), 300)).toBe(`${'x'.repeat(300)}…`);
    // "Hi." would leave 3 characters of 300: the cut keeps the text instead.
    const early = `Hi. ${'word '.repeat(100)}`;
    expect(clipPassage(early, 300)).toBe(`${early.slice(0, 300)}…`);
  });

  it('is left whole when it fits', () => {
    expect(clipPassage('Short. Passage.', 300)).toBe('Short. Passage.');
    expect(formatPassages([passage('Short. Passage.')], 300)).toBe('[1] Shipping times: Short. Passage.');
  });

  it('in the prompt the shipped model reads: the demo shop shipping passage ends with a sentence (it was "…dispatch…")', () => {
    const system = buildPrompt({ userMessage: 'How long does shipping take?', passages: [passage(SHIPPING)], history: [], lang: 'en' })[0]!.content;
    expect(system).toMatch(/Ningxia\)\.$/);
    expect(system).not.toContain('…');
  });
});

const SHIPPING =
  'Orders paid before 16:00 ship the same day; orders paid after 16:00 ship the next day. Delivery usually takes 1–2 days to Jiangsu, Zhejiang and Shanghai, 2–4 days to other mainland provinces, and 5–7 days to remote areas (Xinjiang, Tibet, Qinghai, Inner Mongolia, Ningxia). During big sales, dispatch may take up to 48 hours.';

/**
 * training/corpus.py renders the prompts the model is trained on; they must be the prompts the
 * server builds, or the model learns one format and reads another. Every demo-KB passage and some
 * hard cases, at the three lengths the server uses.
 */
describe('the training corpus cuts passages as the server does', () => {
  it('clip_passage in training/corpus.py gives what clipPassage gives', async () => {
    const { documents } = await loadKbFiles([DEMO_KB_PATH]);
    const texts = documents.flatMap((d) => chunkText(d.text));
    texts.push('😀'.repeat(200), `${'a'.repeat(99)}. ${'😀'.repeat(150)}`, `(${'an open bracket. '.repeat(30)}`, `Plan A. ${'b'.repeat(150)}. e.g. ${'c'.repeat(100)}`, 'Version 2.0 is out.\tNext sentence follows here!\nAnd another one?', '「好。」'.repeat(80));
    const cases = texts.flatMap((text) => [300, 200, 40].map((max) => ({ text, max })));
    const script = 'import json,sys; sys.path.insert(0, sys.argv[1]); from corpus import clip_passage; print(json.dumps([clip_passage(c["text"], c["max"]) for c in json.load(sys.stdin)]))';
    const training = fileURLToPath(new URL('../../training', import.meta.url));
    const python = JSON.parse(execFileSync('/usr/bin/python3', ['-c', script, training], { input: JSON.stringify(cases), maxBuffer: 64 * 1024 * 1024 }).toString()) as string[];
    expect(cases.length).toBeGreaterThan(300);
    const differing = cases.filter((c, i) => python[i] !== clipPassage(c.text, c.max));
    expect(differing).toEqual([]);
  });
});
