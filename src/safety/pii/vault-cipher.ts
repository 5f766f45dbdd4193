import { createCipheriv, createDecipheriv, createHmac, hkdfSync, randomBytes } from 'node:crypto';
import { KefuError } from '../../errors.ts';
import { normalizePiiValue } from './pii-vault.ts';
import type { PiiType } from './pii-types.ts';

/** An original as stored: AES-256-GCM with a random 12-byte IV. */
export interface SealedValue {
  iv: Buffer;
  ciphertext: Buffer;
  tag: Buffer;
}

/**
 * The vault's cryptography, the same derivation as the SQLite vault's (`pii-vault.ts`) so one
 * key reads either: AES-256-GCM whose additional data is the session id and the pseudonym (a
 * row moved to another session or pseudonym fails), HMAC-SHA-256 lookups of (session, type,
 * normalised value) and of the session id, so a store holds no plaintext value or session id.
 */
export interface VaultCipher {
  /** The keyed hash a store knows a session by. */
  sessionTag(sessionId: string): Buffer;
  /** The keyed hash that finds an equal value of a session again. */
  lookup(sessionId: string, type: PiiType, value: string): Buffer;
  /** Stored once per store: a store written with another key is refused. */
  keyCheck: Buffer;
  seal(sessionId: string, label: string, number: number, value: string): SealedValue;
  /** Throws `vault_tampered` when the row was edited, moved, or written with another key. */
  open(sessionId: string, label: string, number: number, sealed: SealedValue): string;
}

export function createVaultCipher(key: Buffer): VaultCipher {
  if (!Buffer.isBuffer(key) || key.length !== 32) {
    throw new KefuError('invalid_vault_key', 'The PII vault key must be 32 bytes: set KEFU_VAULT_KEY to 64 hex characters');
  }
  const derive = (info: string) => Buffer.from(hkdfSync('sha256', key, 'kefu-pii-vault', info, 32));
  const encKey = derive('aes-256-gcm value encryption');
  const macKey = derive('hmac-sha256 lookup');
  const mac = (...parts: string[]) => createHmac('sha256', macKey).update(parts.join('\u0000')).digest();
  const aad = (sessionId: string, label: string, number: number) => Buffer.from(`${sessionId}\u0000${label}_${number}`);
  return {
    sessionTag: (sessionId) => mac('session', sessionId),
    lookup: (sessionId, type, value) => mac('value', sessionId, type, normalizePiiValue(type, value)),
    keyCheck: mac('key-check'),
    seal(sessionId, label, number, value) {
      const iv = randomBytes(12);
      const cipher = createCipheriv('aes-256-gcm', encKey, iv);
      cipher.setAAD(aad(sessionId, label, number));
      const ciphertext = Buffer.concat([cipher.update(value, 'utf8'), cipher.final()]);
      return { iv, ciphertext, tag: cipher.getAuthTag() };
    },
    open(sessionId, label, number, sealed) {
      try {
        const decipher = createDecipheriv('aes-256-gcm', encKey, sealed.iv);
        decipher.setAAD(aad(sessionId, label, number));
        decipher.setAuthTag(sealed.tag);
        return Buffer.concat([decipher.update(sealed.ciphertext), decipher.final()]).toString('utf8');
      } catch (cause) {
        throw new KefuError('vault_tampered', `A PII vault entry failed its integrity check (${label}_${number})`, { cause });
      }
    },
  };
}
