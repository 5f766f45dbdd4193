import { describe, expect, it } from 'vitest';
import { canonicalJson, hashAuditEntry } from '../../src/audit/audit-hash.ts';

// The texts below are what canonicalJson wrote before it was rewritten for speed (issue 16):
// every hash already in an audit log was taken over such text, so it must not change by a byte.
describe('canonicalJson', () => {
  it('sorts keys by UTF-16 code units and leaves out undefined values, at every depth', () => {
    const value = { b: 1, a: [true, null, undefined, 'é'], é: 'x', Z: { y: undefined, x: -0 }, '10': 1e21, '2': 0.1 };
    expect(canonicalJson(value)).toBe('{"10":1e+21,"2":0.1,"Z":{"x":0},"a":[true,null,null,"é"],"b":1,"é":"x"}');
  });

  it('escapes strings as JSON.stringify does, lone surrogates included', () => {
    const strings = ['quote " backslash \\ newline \n nul \u0000 del \u007f', '\u2028', '😀', 'lone \uD800 high', 'lone \uDC00 low', '–'];
    expect(canonicalJson(strings)).toBe('["quote \\" backslash \\\\ newline \\n nul \\u0000 del \u007f","\u2028","😀","lone \\ud800 high","lone \\udc00 low","–"]');
  });

  it('leaves a hole of a sparse array empty, as the map/join version did', () => {
    const holes: unknown[] = [1];
    holes[3] = 'x';
    expect(canonicalJson(holes)).toBe('[1,,,"x"]');
  });

  it('throws for values JSON cannot hold', () => {
    for (const bad of [Number.NaN, Number.POSITIVE_INFINITY, 1n, () => 1, Symbol('s')]) {
      expect(() => canonicalJson({ bad })).toThrow(expect.objectContaining({ code: 'invalid_audit_entry' }));
    }
  });
});

describe('hashAuditEntry', () => {
  it('drops only the top-level hash field', () => {
    const holes: unknown[] = [1];
    holes[3] = 'x';
    expect(hashAuditEntry({ seq: 1, hash: 'dropped', z: [holes], a: 'x', nested: { hash: 1 } })).not.toBe(hashAuditEntry({ seq: 1, z: [holes], a: 'x' }));
    expect(hashAuditEntry({ seq: 1, hash: 'dropped', z: [holes], a: 'x' })).toBe('ff75996a79071ffcfb1b487ced6c2081bcc40a115d5540beb7768bb5663f5968');
  });
});
