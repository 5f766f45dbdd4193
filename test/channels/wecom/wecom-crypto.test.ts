import { createCipheriv } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { isKefuError } from '../../../src/errors.ts';
import { createWecomCrypto } from '../../../src/channels/wecom/wecom-crypto.ts';
import { MESSAGE, VECTOR, VERIFY } from './wecom-vectors.ts';

const crypto = createWecomCrypto(VECTOR);
const key = Buffer.from(`${VECTOR.encodingAesKey}=`, 'base64');

/** AES-256-CBC over `plain` exactly as given (no padding added): for building malformed messages. */
const rawEncrypt = (plain: Buffer): string => {
  const c = createCipheriv('aes-256-cbc', key, key.subarray(0, 16));
  c.setAutoPadding(false);
  return Buffer.concat([c.update(plain), c.final()]).toString('base64');
};

/** WeCom's plaintext layout with a chosen length field and padding. */
const layout = (message: string, corpId: string, opts: { length?: number; pad?: (n: number) => Buffer } = {}): Buffer => {
  const text = Buffer.from(message);
  const len = Buffer.alloc(4);
  len.writeUInt32BE(opts.length ?? text.length);
  const body = Buffer.concat([Buffer.alloc(16, 7), len, text, Buffer.from(corpId)]);
  const n = 32 - (body.length % 32);
  return Buffer.concat([body, opts.pad ? opts.pad(n) : Buffer.alloc(n, n)]);
};

const rejection = (f: () => unknown): { code: string; status: number } => {
  try {
    f();
  } catch (e) {
    if (isKefuError(e)) return { code: e.code, status: e.status };
    throw e;
  }
  throw new Error('expected a rejection');
};

describe('WeCom message crypto (WXBizMsgCrypt)', () => {
  it('matches the official URL-verification vector: signature and echostr', () => {
    expect(crypto.signature(VERIFY.timestamp, VERIFY.nonce, VERIFY.echostr)).toBe(VERIFY.signature);
    expect(crypto.verify(VERIFY.signature, VERIFY.timestamp, VERIFY.nonce, VERIFY.echostr)).toBe(true);
    expect(crypto.decrypt(VERIFY.echostr)).toEqual({ message: '1616140317555161061', receiveId: VECTOR.corpId });
  });

  it('matches the official message vector: signature over Encrypt, and the decrypted XML', () => {
    expect(crypto.signature(MESSAGE.timestamp, MESSAGE.nonce, MESSAGE.encrypt)).toBe(MESSAGE.signature);
    const { message } = crypto.decrypt(MESSAGE.encrypt);
    expect(message).toContain('<FromUserName><![CDATA[mycreate]]></FromUserName>');
    expect(message).toContain('<Content><![CDATA[hello]]></Content>');
    expect(message).toContain('<MsgId>4561255354251345929</MsgId>');
  });

  it('verify refuses a wrong, shortened or differently-cased-but-wrong signature, and any changed input', () => {
    expect(crypto.verify(VERIFY.signature.toUpperCase(), VERIFY.timestamp, VERIFY.nonce, VERIFY.echostr)).toBe(true);
    expect(crypto.verify(VERIFY.signature.replace(/^5/, '6'), VERIFY.timestamp, VERIFY.nonce, VERIFY.echostr)).toBe(false);
    expect(crypto.verify(VERIFY.signature.slice(0, 39), VERIFY.timestamp, VERIFY.nonce, VERIFY.echostr)).toBe(false);
    expect(crypto.verify('', VERIFY.timestamp, VERIFY.nonce, VERIFY.echostr)).toBe(false);
    expect(crypto.verify(VERIFY.signature, '1409659590', VERIFY.nonce, VERIFY.echostr)).toBe(false);
    expect(crypto.verify(VERIFY.signature, VERIFY.timestamp, '263014781', VERIFY.echostr)).toBe(false);
    expect(crypto.verify(VERIFY.signature, VERIFY.timestamp, VERIFY.nonce, MESSAGE.encrypt)).toBe(false);
  });

  it('encrypts to the exact WeCom layout with a fixed random, and decrypts it back', () => {
    const random = Buffer.from('0123456789abcdef');
    const message = '<xml><Content><![CDATA[退货怎么办？ émoji 🙂]]></Content></xml>';
    const encrypted = crypto.encrypt(message, { random });
    expect(crypto.encrypt(message, { random })).toBe(encrypted);
    expect(Buffer.from(encrypted, 'base64').length % 32).toBe(0);
    expect(crypto.decrypt(encrypted)).toEqual({ message, receiveId: VECTOR.corpId });
    // The same bytes as building the layout by hand and encrypting without padding.
    const text = Buffer.from(message);
    const len = Buffer.alloc(4);
    len.writeUInt32BE(text.length);
    const body = Buffer.concat([random, len, text, Buffer.from(VECTOR.corpId)]);
    const n = 32 - (body.length % 32);
    expect(encrypted).toBe(rawEncrypt(Buffer.concat([body, Buffer.alloc(n, n)])));
    // Random by default: two encryptions differ, both decrypt.
    const a = crypto.encrypt('x');
    const b = crypto.encrypt('x');
    expect(a).not.toBe(b);
    expect(crypto.decrypt(b).message).toBe('x');
  });

  it('pads a plaintext that fills whole blocks with a full 32-byte block', () => {
    const message = 'a'.repeat(32 - ((16 + 4 + VECTOR.corpId.length) % 32));
    const encrypted = crypto.encrypt(message, { random: Buffer.alloc(16) });
    expect(Buffer.from(encrypted, 'base64').length).toBe(16 + 4 + VECTOR.corpId.length + message.length + 32);
    expect(crypto.decrypt(encrypted).message).toBe(message);
  });

  it('rejects tampered ciphertext, bad padding, a wrong length field and another CorpID with 400 wecom_bad_message', () => {
    const bad = { code: 'wecom_bad_message', status: 400 };
    // A flipped bit in the last block garbles the padding byte.
    const tampered = Buffer.from(crypto.encrypt('hello', { random: Buffer.alloc(16) }), 'base64');
    tampered[tampered.length - 20]! ^= 0x01;
    expect(rejection(() => crypto.decrypt(tampered.toString('base64')))).toEqual(bad);
    // A flipped bit in the first block garbles the random bytes and flips one bit of the length field.
    const early = Buffer.from(crypto.encrypt('hello', { random: Buffer.alloc(16) }), 'base64');
    early[3]! ^= 0x80;
    expect(rejection(() => crypto.decrypt(early.toString('base64')))).toEqual(bad);

    expect(rejection(() => crypto.decrypt(rawEncrypt(layout('hello', VECTOR.corpId, { pad: (n) => Buffer.alloc(n, 0) }))))).toEqual(bad);
    expect(rejection(() => crypto.decrypt(rawEncrypt(layout('hello', VECTOR.corpId, { pad: (n) => Buffer.concat([Buffer.alloc(n - 1, 9), Buffer.from([n])]) }))))).toEqual(bad);
    expect(rejection(() => crypto.decrypt(rawEncrypt(Buffer.concat([layout('hello', VECTOR.corpId).subarray(0, 32), Buffer.alloc(32, 33)]))))).toEqual(bad);
    expect(rejection(() => crypto.decrypt(rawEncrypt(layout('hello', VECTOR.corpId, { length: 1_000_000 }))))).toEqual(bad);
    expect(rejection(() => crypto.decrypt(rawEncrypt(layout('hello', 'wwanothercorp'))))).toEqual(bad);
    const other = createWecomCrypto({ ...VECTOR, corpId: 'wwanothercorp' });
    expect(rejection(() => other.decrypt(VERIFY.echostr))).toEqual(bad);
    // Not base64, empty, or not whole 32-byte blocks.
    expect(rejection(() => crypto.decrypt('not base64!'))).toEqual(bad);
    expect(rejection(() => crypto.decrypt(''))).toEqual(bad);
    expect(rejection(() => crypto.decrypt(Buffer.alloc(48).toString('base64')))).toEqual(bad);
    // Bytes that are not UTF-8 in the message.
    const latin = Buffer.concat([Buffer.alloc(16), Buffer.from([0, 0, 0, 2, 0xff, 0xfe]), Buffer.from(VECTOR.corpId)]);
    const n = 32 - (latin.length % 32);
    expect(rejection(() => crypto.decrypt(rawEncrypt(Buffer.concat([latin, Buffer.alloc(n, n)]))))).toEqual(bad);
  });

  it('says which setting is wrong when the configuration is', () => {
    expect(() => createWecomCrypto({ ...VECTOR, encodingAesKey: 'short' })).toThrow(/KEFU_WECOM_AES_KEY/);
    expect(() => createWecomCrypto({ ...VECTOR, token: '' })).toThrow(/KEFU_WECOM_TOKEN/);
    expect(() => createWecomCrypto({ ...VECTOR, corpId: '' })).toThrow(/KEFU_WECOM_CORP_ID/);
  });
});
