import { KefuError } from '../errors.ts';

/**
 * A key every node of a cluster must share (KEFU_DATABASE_URL set): the PII vault's and the audit
 * chain's, read from the environment only. A key generated per node, as a single node does,
 * would seal what other nodes cannot open and sign what they cannot verify, so a node without
 * the variable does not start.
 */
export function clusterKey(configured: string | null, envName: 'KEFU_VAULT_KEY' | 'KEFU_AUDIT_KEY'): Buffer {
  const what = envName === 'KEFU_VAULT_KEY' ? 'the PII vault in PostgreSQL' : 'the audit chain in PostgreSQL';
  if (configured === null || configured === '') {
    throw new KefuError('cluster_key_missing', `${envName} must be set when KEFU_DATABASE_URL is: ${what} is shared by every node, so every node needs the same key (64 hex characters, e.g. from openssl rand -hex 32), kept in a secrets manager`, { status: 500 });
  }
  if (!/^[0-9a-fA-F]{64}$/.test(configured)) {
    throw new KefuError('invalid_config', `${envName} must be 64 hex characters (32 bytes)`, { status: 500 });
  }
  return Buffer.from(configured, 'hex');
}
