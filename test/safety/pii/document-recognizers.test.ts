import { describe, expect, it } from 'vitest';
import { createPiiEngine } from '../../../src/safety/pii/create-pii-engine.ts';
import type { PiiType } from '../../../src/safety/pii/pii-types.ts';

const engine = createPiiEngine();
const found = (text: string) => engine.analyze(text).map((e) => `${e.type}:${e.text}`);
const scoreOf = (text: string, type: PiiType) => engine.analyze(text, { types: [type], minScore: 0 })[0]?.score ?? 0;

describe('passport and permit recognizers', () => {
  it('finds Chinese passport formats, more surely with a cue', () => {
    expect(found('护照号E12345678')).toEqual(['passport:E12345678']);
    expect(found('passport EA1234567')).toEqual(['passport:EA1234567']);
    expect(scoreOf('护照 E12345678', 'passport')).toBeGreaterThan(scoreOf('E12345678', 'passport'));
  });
  it('takes a foreign passport number only after a passport cue', () => {
    expect(found('my passport 534987612 (US)')).toEqual(['passport:534987612']);
    expect(found('my order 534987612')).toEqual([]);
  });
  it('does not read a model number as a passport', () => {
    expect(found('型号G15230001的那款有现货吗')).toEqual([]);
  });
  it('finds Hong Kong and Macau permits with a cue, not without', () => {
    expect(found('港澳通行证C12345678')).toEqual(['hk_macau_permit:C12345678']);
    expect(found('回乡证 H12345678')).toEqual(['hk_macau_permit:H12345678']);
    expect(found('C12345678')).toEqual([]);
  });
});

describe('licence plate recognizer', () => {
  it('finds ordinary, new-energy and trailer plates, with or without a separator', () => {
    expect(found('车牌京A12345')).toEqual(['license_plate:京A12345']);
    expect(found('粤B·D12345 新能源')).toEqual(['license_plate:粤B·D12345']);
    expect(found('苏E12345D')).toEqual(['license_plate:苏E12345D']);
    expect(found('挂车冀F1234挂')).toEqual(['license_plate:冀F1234挂']);
  });
  it('ignores words that start with a province character', () => {
    expect(found('京东快递还是粤语客服，沪深300呢，京A开头的能进吗')).toEqual([]);
  });
});
