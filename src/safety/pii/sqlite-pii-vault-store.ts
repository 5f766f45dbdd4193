import type { PiiVaultStore } from '../../contracts/pii-vault.ts';
import { createSqlitePiiVault } from './pii-vault.ts';

/**
 * The SQLite vault (one node, `<data dir>/pii-vault.db`) behind the async vault contract. It
 * writes each new pseudonym in its own `BEGIN IMMEDIATE` transaction as it is assigned, so
 * processes sharing the file never collide and `commit` has nothing left to do.
 */
export function createSqlitePiiVaultStore(options: { path: string; key: Buffer }): PiiVaultStore {
  const vault = createSqlitePiiVault(options);
  return {
    async open(sessionId) {
      const session = vault.forSession(sessionId);
      return {
        pseudonym: (type, value) => session.pseudonym(type, value),
        reveal: (pseudonym) => session.reveal(pseudonym),
        revealAll: (text) => session.revealAll(text),
        commit: async () => true,
      };
    },
    async purgeSession(sessionId) {
      vault.purgeSession(sessionId);
    },
    async purgeOlderThan(cutoff) {
      return vault.purgeOlderThan(cutoff);
    },
    async close() {
      vault.close();
    },
  };
}
