import { randomBytes } from 'node:crypto';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { KefuError } from '../../errors.ts';

/**
 * The PII vault key: KEFU_VAULT_KEY when set (keep it in a secrets manager, apart from the data),
 * else `vault.key` in the data dir, generated on first start with owner-only permissions. A key
 * beside the data protects copies of the database, not a stolen disk: production sets the env.
 */
export function loadVaultKey(configured: string | null, dataDir: string): Buffer {
  if (configured !== null) return Buffer.from(configured, 'hex');
  const file = path.join(dataDir, 'vault.key');
  if (existsSync(file)) {
    const hex = readFileSync(file, 'utf8').trim();
    if (!/^[0-9a-f]{64}$/i.test(hex)) throw new KefuError('invalid_config', `${file} is not a 64-hex-character key`);
    return Buffer.from(hex, 'hex');
  }
  const key = randomBytes(32);
  writeFileSync(file, `${key.toString('hex')}\n`, { mode: 0o600, flag: 'wx' });
  return key;
}
