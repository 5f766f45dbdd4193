import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { createLogger } from '../../src/logging/create-logger.ts';
import { createLogStringMasker } from '../../src/logging/log-string-masker.ts';

/** The engine reads its clock once per scan and once per recognizer: no reads, no scan. */
function counted(step = 0): { clock: () => number; reads: () => number } {
  let n = 0;
  let t = 0;
  return { clock: () => (n++, (t += step)), reads: () => n };
}

describe('log string masker', () => {
  it('scans a clean short field once, and a field holding personal data every time', () => {
    const c = counted();
    const mask = createLogStringMasker({ clock: c.clock });
    expect(mask('/v1/chat')).toBe('/v1/chat');
    const first = c.reads();
    expect(first).toBeGreaterThan(0);
    expect(mask('/v1/chat')).toBe('/v1/chat');
    expect(c.reads()).toBe(first);
    expect(mask('call 13812345678')).toBe('call [手机号]');
    const afterPhone = c.reads();
    expect(mask('call 13812345678')).toBe('call [手机号]');
    expect(c.reads()).toBeGreaterThan(afterPhone);
  });

  it('does not remember a string whose scan ran out of budget, nor a long one', () => {
    const slow = counted(1_000);
    const mask = createLogStringMasker({ clock: slow.clock, budgetMs: 5 });
    mask('/v1/chat');
    const once = slow.reads();
    mask('/v1/chat');
    expect(slow.reads()).toBeGreaterThan(once);
    const c = counted();
    const fast = createLogStringMasker({ clock: c.clock });
    const long = 'x'.repeat(65);
    fast(long);
    const read = c.reads();
    fast(long);
    expect(c.reads()).toBeGreaterThan(read);
  });

  it('the logger still masks personal data in every line, after the same clean fields', () => {
    let out = '';
    const sink = new Writable({ write(chunk: Buffer, _enc, done) { out += chunk.toString(); done(); } });
    const log = createLogger('info', sink);
    for (let i = 0; i < 3; i++) log.info({ path: '/v1/chat', method: 'POST', note: `电话13812345678 #${i}` }, 'request');
    expect(out).not.toContain('13812345678');
    expect(out.match(/\[手机号\]/g)).toHaveLength(3);
    expect(out.match(/"path":"\/v1\/chat"/g)).toHaveLength(3);
  });
});
