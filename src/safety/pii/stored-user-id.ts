import { createCipheriv, createDecipheriv, createHmac, hkdfSync } from 'node:crypto';
import { KefuError } from '../../errors.ts';
import { sharedPiiEngine } from './mask-pii.ts';
import { normalizeForScan } from './normalize-for-scan.ts';
import type { PiiType } from './pii-types.ts';

/**
 * Customer ids that are personal data. A shop may name its customers by phone number or email
 * (`user_id`, the façade's `user`, a WeCom UserID); such an id is stored sealed, never as
 * written: `pii1.` and base64url of AES-256-GCM with a synthetic IV (the IV is an HMAC of the
 * id), so the same id always seals to the same text. Equality still works in the database (a
 * session's customer, "is this the same user"), the file alone reveals nothing, and the id comes
 * back in memory, with the key, for the order system. Ids that are no personal data (`u-42`,
 * `cust_9`) are stored as they are, so admins can still find them.
 */
export interface UserIdSealer {
  /** What is stored for `userId`. */
  seal(userId: string): string;
  /** The id behind a stored value; a value that is not sealed is returned as it is. */
  open(stored: string): string;
}

export const SEALED_PREFIX = 'pii1.';

/** Kinds of personal data that make an id personal; names and addresses do not name accounts. */
const ID_TYPES: readonly PiiType[] = ['phone', 'email', 'id_card', 'bank_card', 'landline', 'passport', 'hk_macau_permit'];
const BARE_MOBILE = /(?<!\d)1[3-9]\d{9}(?!\d)/;

/**
 * Whether an id carries personal data: the engine finds a phone, email or document number in it,
 * or it holds a mainland mobile number run into other characters (`wx13812345678`). The id is
 * short (at most a few hundred characters), and every pattern is linear.
 */
export function isPersonalUserId(userId: string): boolean {
  if (sharedPiiEngine.analyze(userId, { types: ID_TYPES, minScore: 0.3 }).length > 0) return true;
  return BARE_MOBILE.test(normalizeForScan(userId).text);
}

export function createUserIdSealer(key: Buffer): UserIdSealer {
  if (!Buffer.isBuffer(key) || key.length !== 32) throw new KefuError('invalid_vault_key', 'The user id key must be 32 bytes');
  const derive = (info: string) => Buffer.from(hkdfSync('sha256', key, 'kefu-stored-user-id', info, 32));
  const encKey = derive('aes-256-gcm');
  const ivKey = derive('synthetic iv');
  return {
    seal(userId) {
      // A value that looks sealed is sealed again, so no client can send one and have it opened.
      if (!userId.startsWith(SEALED_PREFIX) && !isPersonalUserId(userId)) return userId;
      const iv = createHmac('sha256', ivKey).update(userId).digest().subarray(0, 12);
      const cipher = createCipheriv('aes-256-gcm', encKey, iv);
      const body = Buffer.concat([cipher.update(userId, 'utf8'), cipher.final()]);
      return SEALED_PREFIX + Buffer.concat([iv, body, cipher.getAuthTag()]).toString('base64url');
    },
    open(stored) {
      if (!stored.startsWith(SEALED_PREFIX)) return stored;
      const raw = Buffer.from(stored.slice(SEALED_PREFIX.length), 'base64url');
      if (raw.length < 28) throw new KefuError('user_id_tampered', 'A stored customer id is not a sealed value');
      try {
        const decipher = createDecipheriv('aes-256-gcm', encKey, raw.subarray(0, 12));
        decipher.setAuthTag(raw.subarray(raw.length - 16));
        return Buffer.concat([decipher.update(raw.subarray(12, raw.length - 16)), decipher.final()]).toString('utf8');
      } catch (cause) {
        throw new KefuError('user_id_tampered', 'A stored customer id failed its integrity check (written with another vault key?)', { cause });
      }
    },
  };
}
