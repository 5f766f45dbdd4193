import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../../src/config/load-config.ts';
import { extractEntities } from '../../../src/dialogue/entities/extract-entities.ts';
import { findOrderNumbers } from '../../../src/dialogue/entities/find-order-numbers.ts';
import { MAX_CHARS, orderIdCandidates, orderIdKey } from '../../../src/dialogue/entities/order-id-candidates.ts';
import { assertLinearPattern, compileOrderIdPattern } from '../../../src/dialogue/entities/order-id-pattern.ts';
import { findIdTail } from '../../../src/dialogue/order-reference/find-id-tail.ts';

const now = new Date('2026-11-24T10:00:00+08:00');
const ids = (text: string, pattern = 'SO[0-9A-Z]{14}') =>
  extractEntities(text, { now, timeZone: 'Asia/Shanghai', orderIdPattern: compileOrderIdPattern(pattern) }).filter((e) => e.type === 'order_id').map((e) => e.value);

describe('KEFU_ORDER_ID_PATTERN', () => {
  it("recognises the shop's ids however written, before any lookup", () => {
    expect(ids('SO7X2K9M4P1Q0003')).toEqual(['SO7X2K9M4P1Q0003']);
    expect(ids('订单 so7x 2k9m 4p1q 0003 到哪了')).toEqual(['SO7X2K9M4P1Q0003']);
    expect(ids('order SO7X-2K9M-4P1Q-0003, thanks')).toEqual(['SO7X2K9M4P1Q0003']);
    expect(ids('ＳＯ７Ｘ２Ｋ９Ｍ４Ｐ１Ｑ０００３')).toEqual(['SO7X2K9M4P1Q0003']);
    // Ids with separators keep the form the pattern accepts.
    expect(ids('2026-1206-88310 还没发货', '\\d{4}-\\d{4}-\\d{5}')).toEqual(['2026-1206-88310']);
    // KF numbers of the demo shop still work alongside.
    expect(ids('KF20261121001 和 SO7X2K9M4P1Q0003')).toEqual(['KF20261121001', 'SO7X2K9M4P1Q0003']);
    expect(ids('SO7X2K9M4P1Q000 is too short, SO7X2K9M4P1Q00031 too long')).toEqual([]);
  });

  it('refuses at startup what is not a regular expression, or would take exponential time, or matches words', () => {
    expect(() => compileOrderIdPattern('SO[0-9')).toThrow(/KEFU_ORDER_ID_PATTERN is not a valid regular expression/);
    expect(() => compileOrderIdPattern('(a+)+b')).toThrow(/exponential/);
    expect(() => compileOrderIdPattern('(\\d|\\d\\d)*')).toThrow(/exponential/);
    expect(() => compileOrderIdPattern('(?:[A-Z]{2}\\d*){3}')).toThrow(/exponential/);
    expect(() => compileOrderIdPattern('.*')).toThrow(/ordinary words/);
    expect(() => compileOrderIdPattern('  ')).toThrow(/empty/);
    expect(() => assertLinearPattern('SO[0-9A-Z(+]{14}(?:-\\d{2})?')).not.toThrow();
    expect(() => assertLinearPattern('(\\d{4}-){2}\\d{5}')).not.toThrow();
    expect(() => loadConfig({ KEFU_LLM: 'none', KEFU_ORDER_ID_PATTERN: '(x+x+)+y' })).toThrow(/KEFU_ORDER_ID_PATTERN/);
    expect(loadConfig({ KEFU_LLM: 'none', KEFU_ORDER_ID_PATTERN: 'SO[0-9A-Z]{14}' }).orderIdPattern).toBe('SO[0-9A-Z]{14}');
  });

  it('runs only on bounded candidates: a long hostile message stays fast', () => {
    const pattern = compileOrderIdPattern('[A-Z0-9]{2}\\d*\\d*\\d*[A-Z]');
    // Digits only: the pattern's final letter never comes, so every candidate backtracks fully.
    const hostile = `${'1 '.repeat(8_000)}${'9'.repeat(20_000)} ${'12-'.repeat(8_000)}`;
    const started = performance.now();
    const found = findOrderNumbers(hostile, pattern);
    expect(performance.now() - started).toBeLessThan(3000);
    expect(found.filter((e) => e.type === 'order_id')).toEqual([]);
    expect(Math.max(...orderIdCandidates(hostile).map((c) => c.key.length))).toBeLessThanOrEqual(MAX_CHARS);
  });
});

describe('order id candidates and tails', () => {
  it('joins runs split by single separators, marks words, and compares by key', () => {
    const keys = orderIdCandidates('order SO7X 2K9M 4P1Q 0003!').map((c) => c.key);
    expect(keys).toContain('SO7X2K9M4P1Q0003');
    expect(orderIdCandidates('order SO7X').find((c) => c.key === 'ORDERSO7X')?.hasWord).toBe(true);
    expect(orderIdKey('so7x-2k9m 4p1q.0003')).toBe('SO7X2K9M4P1Q0003');
  });

  it('reads the last digits of an id in zh and en', () => {
    expect(findIdTail('尾号0003的订单')).toBe('0003');
    expect(findIdTail('后四位是 0017')).toBe('0017');
    expect(findIdTail('0032结尾的那个')).toBe('0032');
    expect(findIdTail('the one ending in 0003')).toBe('0003');
    expect(findIdTail('last four digits are 0017')).toBe('0017');
    expect(findIdTail('last 4: ab12')).toBe('AB12');
    expect(findIdTail('我的订单到哪了')).toBeNull();
  });
});
