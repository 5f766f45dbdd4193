import { describe, expect, it } from 'vitest';
import { isPlausibleLegacyId, isValidResidentId, isValidUscc, passesLuhn } from '../../../src/safety/pii/checksums.ts';

describe('GB 11643 resident ID check', () => {
  it('accepts valid IDs, the X check character in either case', () => {
    expect(isValidResidentId('11010519491231002X')).toBe(true);
    expect(isValidResidentId('11010519491231002x')).toBe(true);
    expect(isValidResidentId('440305199806157893')).toBe(true);
  });
  it('rejects a wrong check character, an impossible or future birth date, an unknown region', () => {
    expect(isValidResidentId('440305199806157890')).toBe(false);
    expect(isValidResidentId('110105199002301231')).toBe(false); // 30 February, check digit right
    expect(isValidResidentId('110105203001011231', new Date('2026-01-01'))).toBe(false); // born in 2030
    expect(isValidResidentId('000105199001011237')).toBe(false); // region 00
    expect(isValidResidentId('44030519980615789')).toBe(false);
  });
  it('checks region and 19yy date on 15-digit first-generation IDs', () => {
    expect(isPlausibleLegacyId('110105491231002')).toBe(true);
    expect(isPlausibleLegacyId('110105491331002')).toBe(false);
    expect(isPlausibleLegacyId('990105491231002')).toBe(false);
  });
});

describe('Luhn and GB 32100', () => {
  it('Luhn: test card numbers pass, a changed digit fails', () => {
    expect(passesLuhn('4111111111111111')).toBe(true);
    expect(passesLuhn('6222026369661878739')).toBe(true);
    expect(passesLuhn('4111111111111112')).toBe(false);
  });
  it('unified social credit code: MOD 31 check character, registration authority, region', () => {
    expect(isValidUscc('91440300MA5F12342Q')).toBe(true);
    expect(isValidUscc('91440300ma5f12342q')).toBe(true);
    expect(isValidUscc('91110108551385082Q')).toBe(true);
    expect(isValidUscc('91440300MA5F12342X')).toBe(false);
    expect(isValidUscc('01440300MA5F12342Q')).toBe(false); // authority 0 does not exist
    expect(isValidUscc('91440300MA5F1234IQ')).toBe(false); // I is not in the code's alphabet
  });
});
