import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { createPiiEngine, PLACEHOLDERS, stripPlaceholders } from '../../../src/safety/pii/create-pii-engine.ts';
import { createSqlitePiiVault } from '../../../src/safety/pii/pii-vault.ts';

const engine = createPiiEngine();
const KEY = Buffer.alloc(32, 7);
const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});
function newVaultStore() {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'pii-mask-'));
  dirs.push(dir);
  return createSqlitePiiVault({ path: path.join(dir, 'vault.db'), key: KEY });
}

const MESSAGE = '收货人：张伟，电话13812345678，身份证440305199806157893，卡号6222026369661878739，邮箱zhang.wei@example.com，地址：北京市朝阳区建国路88号';

describe('placeholder mode', () => {
  it('keeps the four placeholders the NLU and older transcripts use', () => {
    expect(engine.mask('电话13812345678').text).toBe('电话[手机号]');
    expect(engine.mask('身份证11010519491231002X').text).toBe('身份证[身份证号]');
    expect(engine.mask('card 4111111111111111').text).toBe('card [银行卡号]');
    expect(engine.mask('mail zhang.san@example.com').text).toBe('mail [邮箱]');
  });
  it('masks every type in a message', () => {
    const { text, entities } = engine.mask(MESSAGE);
    expect(text).toBe('收货人：[姓名]，电话[手机号]，身份证[身份证号]，卡号[银行卡号]，邮箱[邮箱]，地址：[地址]');
    expect(entities.map((e) => e.type)).toEqual(['person_name', 'phone', 'id_card', 'bank_card', 'email', 'address']);
  });
  it('masks only the requested types', () => {
    expect(engine.mask(MESSAGE, { types: ['phone', 'email'] }).text).toBe('收货人：张伟，电话[手机号]，身份证440305199806157893，卡号6222026369661878739，邮箱[邮箱]，地址：北京市朝阳区建国路88号');
  });
  it('has a placeholder for every type', () => {
    expect(Object.values(PLACEHOLDERS)).toEqual(['[手机号]', '[身份证号]', '[银行卡号]', '[邮箱]', '[座机]', '[信用代码]', '[IP]', '[护照号]', '[通行证号]', '[车牌号]', '[姓名]', '[地址]']);
  });
});

describe('partial mode', () => {
  it('shows enough to recognise a value, not enough to use it', () => {
    expect(engine.mask(MESSAGE, { mode: 'partial' }).text).toBe(
      '收货人：张*，电话138****5678，身份证4403**********7893，卡号6222***********8739，邮箱z***@example.com，地址：北京市朝阳区****',
    );
    expect(engine.mask('call +86 138-1234-5678', { mode: 'partial' }).text).toBe('call 138****5678');
    expect(engine.mask('座机010-62345678', { mode: 'partial' }).text).toBe('座机010-****5678');
    expect(engine.mask('IP 112.64.35.18', { mode: 'partial' }).text).toBe('IP 112.64.*.*');
    expect(engine.mask('车牌京A12345', { mode: 'partial' }).text).toBe('车牌京A****5');
    expect(engine.mask('my name is John Smith', { mode: 'partial' }).text).toBe('my name is J*** S***');
  });
});

describe('pseudonym mode', () => {
  it('needs a vault', () => {
    expect(() => engine.mask(MESSAGE, { mode: 'pseudonym' })).toThrow(/vault/);
  });
  it('gives each value a stable pseudonym within the session, and reveals them', () => {
    const store = newVaultStore();
    const vault = store.forSession('session-1');
    const first = engine.mask('我叫张伟，电话13812345678，备用电话13900001111', { mode: 'pseudonym', vault });
    expect(first.text).toBe('我叫[NAME_1]，电话[PHONE_1]，备用电话[PHONE_2]');
    // The same number spelled differently later in the session gets the same pseudonym.
    const second = engine.mask('还是打 +86 138 1234 5678 吧', { mode: 'pseudonym', vault });
    expect(second.text).toBe('还是打 [PHONE_1] 吧');
    expect(vault.revealAll('已给[PHONE_1]发短信，[NAME_1]您好，[PHONE_9]未知')).toBe('已给13812345678发短信，张伟您好，[PHONE_9]未知');
    store.close();
  });
});

describe('stripPlaceholders', () => {
  it('drops placeholder and pseudonym clauses', () => {
    expect(stripPlaceholders('我的手机号是[手机号],怎么开发票?')).toBe('怎么开发票?');
    expect(stripPlaceholders('How long does shipping take? Ship to [ADDRESS_1]')).toBe('How long does shipping take?');
    expect(stripPlaceholders('车牌[车牌号]，停车费怎么开票')).toBe('停车费怎么开票');
    expect(stripPlaceholders('[NAME_1]')).toBe('');
    expect(stripPlaceholders('请打[座机]联系我')).toBe('请打 联系我');
  });
});
