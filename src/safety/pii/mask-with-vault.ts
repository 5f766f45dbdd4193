import type { PiiVault, SessionVault } from '../../contracts/pii-vault.ts';
import { KefuError } from '../../errors.ts';

/** Far more than two nodes numbering one session's values at the same instant ever need. */
const TRIES = 5;

/**
 * Runs `mask` (which assigns pseudonyms through the vault, synchronously) and commits what it
 * assigned. When another node committed one of the same pseudonyms first, the vault has
 * reloaded the session and `mask` runs again, so no text ever carries a pseudonym that stands
 * for another value in the store.
 */
export async function maskWithVault<T>(vault: SessionVault, mask: (vault: PiiVault) => T): Promise<T> {
  for (let attempt = 1; attempt <= TRIES; attempt++) {
    const result = mask(vault);
    if (await vault.commit()) return result;
  }
  throw new KefuError('vault_conflict', `The PII vault kept colliding with other nodes over ${TRIES} tries`, { status: 503, retryable: true });
}
