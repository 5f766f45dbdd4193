import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Nlu, NluInput, NluResult } from '../../src/contracts/nlu.ts';
import { INTENTS } from '../../src/dialogue/llm-nlu.ts';

/**
 * The behaviour every `Nlu` adapter must have, whatever does the labelling (rules and lexicons, a
 * model through a JSON schema, a model that fails and falls back): a result the dialogue layer
 * can use without checking it — an intent of the contract's, numbers in range, the language of
 * the message, and entities that point at the text they were read from, normalised as the
 * contract says. Label accuracy is each adapter's own test (a scripted backend has no skill).
 */
/** What the dialogue layer relies on in every result, whatever the input. */
export function expectValidResult(r: NluResult, text: string, source: RegExp | undefined): void {
  expect(INTENTS).toContain(r.intent);
  expect(r.confidence).toBeGreaterThanOrEqual(0);
  expect(r.confidence).toBeLessThanOrEqual(1);
  expect(['neutral', 'anxious', 'dissatisfied', 'angry', 'satisfied']).toContain(r.emotion.label);
  expect(r.emotion.intensity).toBeGreaterThanOrEqual(0);
  expect(r.emotion.intensity).toBeLessThanOrEqual(1);
  expect(typeof r.source).toBe('string');
  expect(r.source.length).toBeGreaterThan(0);
  // Which implementation answered: a fallback must say so.
  if (source !== undefined) expect(r.source).toMatch(source);
  for (const e of r.entities) {
    expect(text.slice(e.start, e.end), JSON.stringify(e)).toBe(e.text);
    expect(e.value.length).toBeGreaterThan(0);
  }
  if (r.candidates !== undefined) {
    for (const c of r.candidates) {
      expect(INTENTS).toContain(c.intent);
      expect(c.confidence).toBeGreaterThanOrEqual(0);
      expect(c.confidence).toBeLessThanOrEqual(1);
    }
    const scores = r.candidates.map((c) => c.confidence);
    expect(scores).toEqual([...scores].sort((a, b) => b - a));
  }
}

export function runNluContract(name: string, factory: () => Promise<{ nlu: Nlu; close(): Promise<void> }>, options: { timeoutMs?: number; source?: RegExp } = {}): void {
  const timeout = options.timeoutMs ?? 20_000;
  describe(`Nlu contract: ${name}`, () => {
    let nlu: Nlu;
    let close: () => Promise<void>;
    beforeAll(async () => {
      ({ nlu, close } = await factory());
    }, timeout);
    afterAll(async () => {
      await close();
    }, timeout);

    // Tuesday 2026-11-24 10:00 in Shanghai.
    const NOW = new Date('2026-11-24T02:00:00Z');
    const understand = (text: string, over: Partial<NluInput> = {}) => nlu.understand({ text, now: NOW, timeZone: 'Asia/Shanghai', ...over });

    const expectValid = (r: NluResult, text: string) => expectValidResult(r, text, options.source);

    it('answers a Chinese message with a valid result in zh', async () => {
      const text = '我要退货,东西坏了';
      const r = await understand(text);
      expectValid(r, text);
      expect(r.lang).toBe('zh');
    }, timeout);

    it('answers an English message with a valid result in en', async () => {
      const text = 'Where is my parcel? It has been a week.';
      const r = await understand(text);
      expectValid(r, text);
      expect(r.lang).toBe('en');
    }, timeout);

    it('reads an order number as written, its value upper case without spaces', async () => {
      const text = '订单 kf20261116012 还没发货';
      const r = await understand(text);
      expectValid(r, text);
      expect(r.entities).toContainEqual(expect.objectContaining({ type: 'order_id', value: 'KF20261116012' }));
    }, timeout);

    it('gives a masked phone number as a phone entity whose value is the placeholder', async () => {
      const text = '我的手机号是[手机号],快递员联系不上我';
      const r = await understand(text);
      expectValid(r, text);
      expect(r.entities).toContainEqual(expect.objectContaining({ type: 'phone', value: '[手机号]', text: '[手机号]' }));
    }, timeout);

    it('resolves a date against the user\'s clock and time zone', async () => {
      const text = '昨天下的单怎么还没发货?';
      const r = await understand(text);
      expectValid(r, text);
      expect(r.entities).toContainEqual(expect.objectContaining({ type: 'date', value: '2026-11-23' }));
    }, timeout);

    it('takes history and the previous emotion, and keeps concurrent messages apart', async () => {
      const history = [{ role: 'user' as const, content: '我要退货' }, { role: 'assistant' as const, content: '请问是哪个订单?' }];
      const [a, b] = await Promise.all([
        understand('KF20261116012', { history, previousEmotion: { label: 'dissatisfied', intensity: 0.6 } }),
        understand('KF20261112009 到哪了'),
      ]);
      expectValid(a, 'KF20261116012');
      expectValid(b, 'KF20261112009 到哪了');
      expect(a.entities.map((e) => e.value)).toContain('KF20261116012');
      expect(a.entities.map((e) => e.value)).not.toContain('KF20261112009');
      expect(b.entities.map((e) => e.value)).toContain('KF20261112009');
    }, timeout);

    robustnessCases({ understand, expectValid, timeout });
  });
}

/**
 * Text a customer can send that no lexicon or prompt was written for: nothing at all, a pasted
 * wall of text, languages and emoji mixed. Each gets a usable result in bounded time; the same
 * message gets the same result (temperature 0, a fallback decided by the input, not by luck);
 * an aborted request rejects rather than answering.
 */
function robustnessCases(c: {
  understand(text: string, over?: Partial<NluInput>): Promise<NluResult>;
  expectValid(r: NluResult, text: string): void;
  timeout: number;
}): void {
  const { understand, expectValid, timeout } = c;
  it('handles empty and whitespace-only input without throwing, with no entities', async () => {
    for (const text of ['', '   ', '\n']) {
      const r = await understand(text);
      expectValid(r, text);
      expect(r.entities).toEqual([]);
    }
  }, timeout);

  it('handles a very long message (20 000 characters) in bounded time', async () => {
    const text = '我的订单KF20261121001什么时候到? where is my order? '.repeat(500).slice(0, 20_000);
    const started = Date.now();
    const r = await understand(text);
    expect(Date.now() - started).toBeLessThan(timeout / 2);
    expectValid(r, text);
    expect(r.entities.some((e) => e.type === 'order_id' && e.value === 'KF20261121001')).toBe(true);
  }, timeout);

  it('handles mixed-language, traditional-script, emoji and symbol-only input', async () => {
    for (const text of ['我的 order KF20261121001 还没到, where is it? 😡', '謝謝你們的幫忙', '😀😀😀', '???!!!']) expectValid(await understand(text), text);
  }, timeout);

  it('reads an order number typed in full width (a Chinese IME in full-width mode)', async () => {
    const text = '订单ＫＦ２０２６１１２１００１到哪了';
    const r = await understand(text);
    expectValid(r, text);
    expect(r.entities).toContainEqual(expect.objectContaining({ type: 'order_id', value: 'KF20261121001', text: 'ＫＦ２０２６１１２１００１' }));
  }, timeout);

  it('gives the same result for the same message', async () => {
    const text = '我昨天买的耳机能退吗? 订单 KF20261121001';
    const first = await understand(text);
    expect(await understand(text)).toEqual(first);
  }, timeout);

  it('rejects a request whose signal is already aborted, rather than answering', async () => {
    const ctrl = new AbortController();
    ctrl.abort();
    await expect(understand('我要退货', { signal: ctrl.signal })).rejects.toThrow();
  }, timeout);
}
