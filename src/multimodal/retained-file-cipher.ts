import { createCipheriv, createDecipheriv, hkdfSync, randomBytes } from 'node:crypto';
import { KefuError } from '../errors.ts';

/** A file as stored: AES-256-GCM with a random 12-byte IV. */
export interface SealedFile {
  iv: Buffer;
  ciphertext: Buffer;
  tag: Buffer;
}

export interface RetainedFileCipher {
  seal(sessionId: string, id: string, bytes: Buffer): SealedFile;
  /** Throws when the row was edited, moved to another session or written with another key. */
  open(sessionId: string, id: string, sealed: SealedFile): Buffer;
}

/**
 * Files are encrypted as the PII vault encrypts values (src/safety/pii/vault-cipher.ts), with a
 * key derived by HKDF from the vault key and the session and file ids as additional data, so a
 * row cannot be moved to another session. SQLite and PostgreSQL stores share it: one key reads both.
 */
export function createRetainedFileCipher(vaultKey: Buffer): RetainedFileCipher {
  if (vaultKey.length !== 32) throw new KefuError('invalid_vault_key', 'the file encryption key must be 32 bytes');
  const key = Buffer.from(hkdfSync('sha256', vaultKey, 'kefu-retained-files', 'aes-256-gcm file encryption', 32));
  const aad = (sessionId: string, id: string) => Buffer.from(`${sessionId}\u0000${id}`);
  return {
    seal(sessionId, id, bytes) {
      const iv = randomBytes(12);
      const cipher = createCipheriv('aes-256-gcm', key, iv);
      cipher.setAAD(aad(sessionId, id));
      const ciphertext = Buffer.concat([cipher.update(bytes), cipher.final()]);
      return { iv, ciphertext, tag: cipher.getAuthTag() };
    },
    open(sessionId, id, sealed) {
      const decipher = createDecipheriv('aes-256-gcm', key, sealed.iv);
      decipher.setAAD(aad(sessionId, id));
      decipher.setAuthTag(sealed.tag);
      return Buffer.concat([decipher.update(sealed.ciphertext), decipher.final()]);
    },
  };
}
