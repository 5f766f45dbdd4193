import type { PiiVault } from '../../contracts/pii-vault.ts';
import { PII_TYPES, PSEUDONYM_LABELS, type PiiType } from './pii-types.ts';
import type { SealedValue, VaultCipher } from './vault-cipher.ts';

/** A row of a remote vault: one pseudonym of one session. */
export interface VaultRow extends SealedValue {
  label: string;
  number: number;
  lookup: Buffer;
}

const LABELS = new Set(PII_TYPES.map((t) => PSEUDONYM_LABELS[t]));
const PSEUDONYM = /\[([A-Z]+)_(\d+)\]/g;

/**
 * One session's pseudonyms held in memory for a turn: loaded from a store, extended by
 * `pseudonym` synchronously (the PII engine masks without awaiting), the new rows kept in
 * `pending` until the store commits them. Rows are opened (decrypted) as they are loaded, so a
 * tampered row fails the load rather than a reveal in the middle of a reply.
 */
export class LoadedSessionVault implements PiiVault {
  readonly #sessionId: string;
  readonly #cipher: VaultCipher;
  readonly #originals = new Map<string, string>();
  readonly #byLookup = new Map<string, string>();
  readonly #next = new Map<string, number>();
  #pending: VaultRow[] = [];

  constructor(sessionId: string, cipher: VaultCipher, rows: readonly VaultRow[]) {
    this.#sessionId = sessionId;
    this.#cipher = cipher;
    for (const row of rows) this.#add(row, cipher.open(sessionId, row.label, row.number, row));
  }

  /** Rows assigned since the load, oldest first. */
  get pending(): readonly VaultRow[] {
    return this.#pending;
  }

  /** The pending rows are in the store now. */
  committed(): void {
    this.#pending = [];
  }

  pseudonym(type: PiiType, value: string): string {
    const lookup = this.#cipher.lookup(this.#sessionId, type, value);
    const known = this.#byLookup.get(lookup.toString('hex'));
    if (known !== undefined) return known;
    const label = PSEUDONYM_LABELS[type];
    const number = this.#next.get(label) ?? 1;
    const row = { label, number, lookup, ...this.#cipher.seal(this.#sessionId, label, number, value) };
    this.#pending.push(row);
    return this.#add(row, value);
  }

  reveal(pseudonym: string): string | null {
    const m = /^\[?([A-Z]+)_(\d+)\]?$/.exec(pseudonym.trim());
    if (m === null || !LABELS.has(m[1]!)) return null;
    return this.#originals.get(`${m[1]}_${Number(m[2])}`) ?? null;
  }

  revealAll(text: string): string {
    return text.replace(PSEUDONYM, (whole) => this.reveal(whole) ?? whole);
  }

  #add(row: VaultRow, value: string): string {
    const name = `${row.label}_${row.number}`;
    this.#originals.set(name, value);
    this.#byLookup.set(row.lookup.toString('hex'), `[${name}]`);
    this.#next.set(row.label, Math.max(this.#next.get(row.label) ?? 1, row.number + 1));
    return `[${name}]`;
  }
}
