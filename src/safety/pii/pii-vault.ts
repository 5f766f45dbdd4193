import { createCipheriv, createDecipheriv, createHmac, createSecretKey, hkdfSync, randomBytes, timingSafeEqual } from 'node:crypto';
import { KefuError } from '../../errors.ts';
import { openPrivateDatabase } from '../../store/sqlite/open-private-database.ts';
import { foldDigits } from './normalize-for-scan.ts';
import type { PiiVault } from '../../contracts/pii-vault.ts';
import { PII_TYPES, PSEUDONYM_LABELS, type PiiType } from './pii-types.ts';

/** The SQLite vault itself, synchronous; `createSqlitePiiVaultStore` puts it behind `PiiVaultStore`. */
export interface SqlitePiiVault {
  forSession(sessionId: string): PiiVault;
  /** Deletes every value of a session (with SQLite's secure_delete, the pages are zeroed). */
  purgeSession(sessionId: string): void;
  /** Deletes originals stored before `cutoff` (epoch ms). */
  purgeOlderThan(cutoff: number): number;
  close(): void;
}

const LABEL_TO_TYPE = new Map(PII_TYPES.map((t) => [PSEUDONYM_LABELS[t], t]));
const PSEUDONYM = /\[([A-Z]+)_(\d+)\]/g;

/** Equal values in different spellings (`138 1234 5678`, `+8613812345678`) share a pseudonym. */
export function normalizePiiValue(type: PiiType, value: string): string {
  switch (type) {
    case 'phone':
      return foldDigits(value).replace(/\D/g, '').replace(/^(?:0086|86)(?=1\d{10}$)/, '');
    case 'email':
    case 'ip':
      return value.trim().toLowerCase();
    case 'person_name':
    case 'address':
      return value.normalize('NFKC').replace(/\s+/g, ' ').trim().toLowerCase();
    default:
      return value.normalize('NFKC').replace(/[^0-9A-Za-z\p{Script=Han}]/gu, '').toUpperCase();
  }
}

interface Row {
  label: string;
  number: number;
  iv: Buffer;
  ciphertext: Buffer;
  tag: Buffer;
}

const SCHEMA = `
CREATE TABLE IF NOT EXISTS pii_vault_meta (name TEXT PRIMARY KEY, value BLOB NOT NULL);
CREATE TABLE IF NOT EXISTS pii_pseudonyms (
  session BLOB NOT NULL,
  label TEXT NOT NULL,
  number INTEGER NOT NULL,
  lookup BLOB NOT NULL,
  iv BLOB NOT NULL,
  ciphertext BLOB NOT NULL,
  tag BLOB NOT NULL,
  created_at INTEGER NOT NULL,
  PRIMARY KEY (session, label, number)
);
CREATE UNIQUE INDEX IF NOT EXISTS pii_pseudonyms_lookup ON pii_pseudonyms (session, lookup);
`;

/** The encryption key and the lookup MAC, both derived from the vault key with HKDF. */
function vaultKeys(key: Buffer): { encKey: Buffer; mac: (...parts: string[]) => Buffer } {
  if (!Buffer.isBuffer(key) || key.length !== 32) {
    throw new KefuError('invalid_vault_key', 'The PII vault key must be 32 bytes: set KEFU_VAULT_KEY to 64 hex characters');
  }
  const derive = (info: string) => Buffer.from(hkdfSync('sha256', key, 'kefu-pii-vault', info, 32));
  const encKey = derive('aes-256-gcm value encryption');
  // A KeyObject made once: a raw key is imported again by every HMAC.
  const macKey = createSecretKey(derive('hmac-sha256 lookup'));
  return { encKey, mac: (...parts: string[]) => createHmac('sha256', macKey).update(parts.join('\u0000')).digest() };
}

/**
 * The vault file, refused when another key wrote it: a new file records a MAC of a fixed string,
 * which only the same key reproduces, so a wrong key fails at start rather than at a reveal.
 */
function openKeyedVaultFile(file: string, mac: (...parts: string[]) => Buffer): ReturnType<typeof openPrivateDatabase> {
  const db = openPrivateDatabase(file);
  db.exec(SCHEMA);
  const check = mac('key-check');
  const stored = db.prepare('SELECT value FROM pii_vault_meta WHERE name = ?').get('key_check') as { value: Buffer } | undefined;
  if (stored === undefined) {
    db.prepare('INSERT INTO pii_vault_meta (name, value) VALUES (?, ?)').run('key_check', check);
  } else if (stored.value.length !== check.length || !timingSafeEqual(stored.value, check)) {
    db.close();
    throw new KefuError('vault_key_mismatch', `The PII vault ${file} was written with a different key: set KEFU_VAULT_KEY to the key it was created with, or move the file away to start an empty vault`);
  }
  return db;
}

/**
 * The pseudonym vault: its own SQLite file. A value is stored only as AES-256-GCM ciphertext
 * (random 12-byte IV per value; the session id and pseudonym are the additional authenticated
 * data, so a row cannot be moved to another session or pseudonym). Equal values are found again
 * by an HMAC-SHA-256 of (session, type, normalised value), and sessions by an HMAC of their id,
 * so the file holds no plaintext value and no session id. Encryption and lookup keys are derived
 * from the 32-byte `key` with HKDF; a file written with another key is refused on open.
 */
export function createSqlitePiiVault(options: { path: string; key: Buffer }): SqlitePiiVault {
  const { encKey, mac } = vaultKeys(options.key);
  const db = openKeyedVaultFile(options.path, mac);

  const byLookup = db.prepare('SELECT label, number FROM pii_pseudonyms WHERE session = ? AND lookup = ?');
  const byPseudonym = db.prepare('SELECT label, number, iv, ciphertext, tag FROM pii_pseudonyms WHERE session = ? AND label = ? AND number = ?');
  const nextNumber = db.prepare('SELECT COALESCE(MAX(number), 0) + 1 AS next FROM pii_pseudonyms WHERE session = ? AND label = ?');
  const insert = db.prepare('INSERT INTO pii_pseudonyms (session, label, number, lookup, iv, ciphertext, tag, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)');
  const purge = db.prepare('DELETE FROM pii_pseudonyms WHERE session = ?');
  const purgeOld = db.prepare('DELETE FROM pii_pseudonyms WHERE created_at < ?');

  const aad = (sessionId: string, label: string, number: number) => Buffer.from(`${sessionId}\u0000${label}_${number}`);

  const assign = db.transaction((session: Buffer, sessionId: string, type: PiiType, lookup: Buffer, value: string): string => {
    const existing = byLookup.get(session, lookup) as Pick<Row, 'label' | 'number'> | undefined;
    if (existing !== undefined) return `[${existing.label}_${existing.number}]`;
    const label = PSEUDONYM_LABELS[type];
    const number = (nextNumber.get(session, label) as { next: number }).next;
    const iv = randomBytes(12);
    const cipher = createCipheriv('aes-256-gcm', encKey, iv);
    cipher.setAAD(aad(sessionId, label, number));
    const ciphertext = Buffer.concat([cipher.update(value, 'utf8'), cipher.final()]);
    insert.run(session, label, number, lookup, iv, ciphertext, cipher.getAuthTag(), Date.now());
    return `[${label}_${number}]`;
  });

  function forSession(sessionId: string): PiiVault {
    if (typeof sessionId !== 'string' || sessionId === '') throw new KefuError('invalid_session_id', 'A PII vault needs a non-empty session id');
    // Keyed when first needed: a turn opens its session's vault and, masking nothing in a
    // message with no personal data, most often never asks it.
    let sessionKey: Buffer | undefined;
    const sessionTag = (): Buffer => (sessionKey ??= mac('session', sessionId));

    const reveal = (pseudonym: string): string | null => {
      const m = /^\[?([A-Z]+)_(\d+)\]?$/.exec(pseudonym.trim());
      if (m === null || !LABEL_TO_TYPE.has(m[1]!)) return null;
      const number = Number(m[2]);
      const row = byPseudonym.get(sessionTag(), m[1], number) as Row | undefined;
      if (row === undefined) return null;
      try {
        const decipher = createDecipheriv('aes-256-gcm', encKey, row.iv);
        decipher.setAAD(aad(sessionId, row.label, row.number));
        decipher.setAuthTag(row.tag);
        return Buffer.concat([decipher.update(row.ciphertext), decipher.final()]).toString('utf8');
      } catch (cause) {
        throw new KefuError('vault_tampered', `A PII vault entry failed its integrity check (${m[1]}_${number})`, { cause });
      }
    };

    return {
      pseudonym(type, value) {
        const lookup = mac('value', sessionId, type, normalizePiiValue(type, value));
        return assign.immediate(sessionTag(), sessionId, type, lookup, value);
      },
      reveal,
      revealAll(text) {
        return text.replace(PSEUDONYM, (whole) => reveal(whole) ?? whole);
      },
    };
  }

  return {
    forSession,
    purgeOlderThan(cutoff) {
      return purgeOld.run(cutoff).changes;
    },
    purgeSession(sessionId) {
      // The ciphertext's WAL frames go too: checkpoint, then cut the WAL to nothing.
      if (purge.run(mac('session', sessionId)).changes > 0 && options.path !== ':memory:') db.pragma('wal_checkpoint(TRUNCATE)');
    },
    close() {
      db.close();
    },
  };
}
