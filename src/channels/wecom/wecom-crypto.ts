import { createCipheriv, createDecipheriv, createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { KefuError } from '../../errors.ts';

/**
 * WeCom's message encryption, byte for byte as its official WXBizMsgCrypt does it:
 * key = base64(EncodingAESKey + "="), IV = the key's first 16 bytes, AES-256-CBC with PKCS#7
 * padding to 32-byte blocks; plaintext = 16 random bytes + 4-byte big-endian message length +
 * message + receive id (the CorpID for an in-house app); signature = SHA-1 (hex) of the token,
 * timestamp, nonce and ciphertext, sorted as strings and concatenated.
 */
export interface WecomCryptoOptions {
  /** KEFU_WECOM_TOKEN: the Token set in the app's callback settings. */
  token: string;
  /** KEFU_WECOM_AES_KEY: the 43-character EncodingAESKey from the same page. */
  encodingAesKey: string;
  /** KEFU_WECOM_CORP_ID: the enterprise's CorpID; decrypted messages must carry it. */
  corpId: string;
}

export interface WecomCrypto {
  readonly corpId: string;
  signature(timestamp: string, nonce: string, encrypted: string): string;
  /** Timing-safe comparison of `signature` with the one computed over the other three. */
  verify(signature: string, timestamp: string, nonce: string, encrypted: string): boolean;
  /** Throws 400 `wecom_bad_message` on anything malformed or meant for another CorpID. */
  decrypt(encrypted: string): { message: string; receiveId: string };
  /** `random`: the 16 leading bytes; tests pin them, otherwise fresh random bytes. */
  encrypt(message: string, options?: { random?: Buffer }): string;
}

const BLOCK = 32;
const BASE64 = /^[A-Za-z0-9+/]+={0,2}$/;
const AES_KEY = /^[A-Za-z0-9+/]{43}$/;

const badMessage = (why: string): KefuError => new KefuError('wecom_bad_message', `WeCom message rejected: ${why}`, { status: 400 });
const invalidConfig = (message: string): KefuError => new KefuError('invalid_config', message);

export function createWecomCrypto(options: WecomCryptoOptions): WecomCrypto {
  const { token, encodingAesKey, corpId } = options;
  if (token.length === 0) throw invalidConfig('WeCom needs a Token: set KEFU_WECOM_TOKEN to the Token of the app\'s callback settings');
  if (corpId.length === 0) throw invalidConfig('WeCom needs the CorpID: set KEFU_WECOM_CORP_ID (My Company → Company Information)');
  if (!AES_KEY.test(encodingAesKey)) {
    throw invalidConfig('KEFU_WECOM_AES_KEY must be the 43-character EncodingAESKey (letters and digits) of the app\'s callback settings');
  }
  const key = Buffer.from(`${encodingAesKey}=`, 'base64');
  if (key.length !== 32) throw invalidConfig('KEFU_WECOM_AES_KEY does not decode to a 32-byte AES key');
  const iv = key.subarray(0, 16);
  const corpIdBytes = Buffer.from(corpId, 'utf8');
  const utf8 = new TextDecoder('utf-8', { fatal: true });

  const signature = (timestamp: string, nonce: string, encrypted: string): string =>
    createHash('sha1').update([token, timestamp, nonce, encrypted].sort().join('')).digest('hex');

  return {
    corpId,
    signature,

    verify(given, timestamp, nonce, encrypted) {
      const expected = Buffer.from(signature(timestamp, nonce, encrypted), 'utf8');
      const actual = Buffer.from(given.toLowerCase(), 'utf8');
      return actual.length === expected.length && timingSafeEqual(actual, expected);
    },

    decrypt(encrypted) {
      if (!BASE64.test(encrypted)) throw badMessage('ciphertext is not base64');
      const cipher = Buffer.from(encrypted, 'base64');
      if (cipher.length === 0 || cipher.length % BLOCK !== 0) throw badMessage('ciphertext length is not a multiple of 32 bytes');
      let plain: Buffer;
      try {
        const decipher = createDecipheriv('aes-256-cbc', key, iv);
        decipher.setAutoPadding(false);
        plain = Buffer.concat([decipher.update(cipher), decipher.final()]);
      } catch (cause) {
        throw new KefuError('wecom_bad_message', 'WeCom message rejected: cannot decrypt', { status: 400, cause });
      }
      const pad = plain[plain.length - 1] ?? 0;
      if (pad < 1 || pad > BLOCK) throw badMessage('bad padding');
      for (let i = plain.length - pad; i < plain.length; i++) if (plain[i] !== pad) throw badMessage('bad padding');
      const body = plain.subarray(16, plain.length - pad);
      if (body.length < 4) throw badMessage('too short');
      const length = body.readUInt32BE(0);
      if (length > body.length - 4) throw badMessage('message length out of bounds');
      const receive = body.subarray(4 + length);
      if (!receive.equals(corpIdBytes)) throw badMessage('it is addressed to another CorpID');
      let message: string;
      try {
        message = utf8.decode(body.subarray(4, 4 + length));
      } catch {
        throw badMessage('message is not UTF-8');
      }
      return { message, receiveId: corpId };
    },

    encrypt(message, { random = randomBytes(16) } = {}) {
      if (random.length !== 16) throw new KefuError('invalid_argument', 'random must be 16 bytes');
      const text = Buffer.from(message, 'utf8');
      const length = Buffer.alloc(4);
      length.writeUInt32BE(text.length, 0);
      const unpadded = Buffer.concat([random, length, text, corpIdBytes]);
      const pad = BLOCK - (unpadded.length % BLOCK);
      const plain = Buffer.concat([unpadded, Buffer.alloc(pad, pad)]);
      const cipher = createCipheriv('aes-256-cbc', key, iv);
      cipher.setAutoPadding(false);
      return Buffer.concat([cipher.update(plain), cipher.final()]).toString('base64');
    },
  };
}
