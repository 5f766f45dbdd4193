import { loadInstanceKey, type KeyLocation, type KeyWarning } from '../../config/instance-keys.ts';

/**
 * The PII vault key: KEFU_VAULT_KEY when set (keep it in a secrets manager, apart from the data),
 * else `vault.key` in this data dir's key folder outside it (see `instance-keys.ts`), generated on
 * first start with owner-only permissions; one left in the data dir by an older Kefu is moved out.
 */
export function loadVaultKey(configured: string | null, loc: KeyLocation, warn?: KeyWarning): Buffer {
  const key = loadInstanceKey(Object.assign({}, loc, { file: 'vault.key' as const, envName: 'KEFU_VAULT_KEY', configured, create: true, ...(warn === undefined ? {} : { warn }) }));
  // create: true always yields a key
  return key!;
}
