import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import Database from 'better-sqlite3';

/**
 * Chunk vectors kept across restarts (`<data dir>/embeddings.db`), keyed by the embedding model's
 * id and a hash of the embedded text: a restart or a re-import of unchanged documents asks the
 * embedding server for nothing, and a changed model starts a new space instead of mixing two.
 * The texts are the shop's published passages; no customer text is stored here.
 */
export class VectorCache {
  readonly #db: Database.Database;
  readonly #get: Database.Statement<[string, string], { vec: Buffer }>;
  readonly #put: Database.Statement<[string, string, Buffer]>;
  readonly #claim: Database.Statement<[string, string, number, string, number]>;
  readonly #release: Database.Statement<[string, string]>;
  readonly #holder: Database.Statement<[string], { owner: string }>;
  readonly #takeOver: Database.Statement<[string, number, string, string]>;

  constructor(path: string) {
    if (path !== ':memory:') mkdirSync(dirname(path), { recursive: true });
    this.#db = new Database(path);
    this.#db.pragma('journal_mode = WAL');
    this.#db.pragma('synchronous = NORMAL');
    this.#db.exec('CREATE TABLE IF NOT EXISTS vectors (model TEXT NOT NULL, hash TEXT NOT NULL, vec BLOB NOT NULL, PRIMARY KEY (model, hash)) WITHOUT ROWID');
    this.#get = this.#db.prepare('SELECT vec FROM vectors WHERE model = ? AND hash = ?');
    this.#put = this.#db.prepare('INSERT OR REPLACE INTO vectors (model, hash, vec) VALUES (?, ?, ?)');
    // Who embeds a model's chunks now: every worker of `kefu serve --workers N` (and `kefu kb
    // import` beside a running server) shares this file, and one of them asks the server at a time.
    this.#db.exec('CREATE TABLE IF NOT EXISTS embedder (model TEXT PRIMARY KEY, owner TEXT NOT NULL, until INTEGER NOT NULL) WITHOUT ROWID');
    this.#claim = this.#db.prepare(
      'INSERT INTO embedder (model, owner, until) VALUES (?, ?, ?) ON CONFLICT (model) DO UPDATE SET owner = excluded.owner, until = excluded.until WHERE embedder.owner = ? OR embedder.until < ?',
    );
    this.#release = this.#db.prepare('DELETE FROM embedder WHERE model = ? AND owner = ?');
    this.#holder = this.#db.prepare('SELECT owner FROM embedder WHERE model = ?');
    this.#takeOver = this.#db.prepare('UPDATE embedder SET owner = ?, until = ? WHERE model = ? AND owner = ?');
  }

  /**
   * Takes (or renews) the right to embed `model`'s chunks for `leaseMs`: true when `owner` has it,
   * false while another owner's lease runs. A process that stops without `release` holds it until
   * its lease ends, unless `gone` says its holder no longer exists (a server killed and started
   * again takes over at once rather than wait out the lease).
   */
  claim(model: string, owner: string, leaseMs: number, gone: (holder: string) => boolean = () => false): boolean {
    const now = Date.now();
    if (this.#claim.run(model, owner, now + leaseMs, owner, now).changes === 1) return true;
    const holder = this.#holder.get(model)?.owner;
    // Only from that holder: another process may have taken over since it was read.
    return holder !== undefined && gone(holder) && this.#takeOver.run(owner, now + leaseMs, model, holder).changes === 1;
  }

  release(model: string, owner: string): void {
    this.#release.run(model, owner);
  }

  get(model: string, hash: string): Float32Array | null {
    const row = this.#get.get(model, hash);
    if (row === undefined || row.vec.byteLength % 4 !== 0) return null;
    // A copy: the row's buffer may not be 4-byte aligned.
    return new Float32Array(new Uint8Array(row.vec).buffer);
  }

  putAll(model: string, entries: readonly { hash: string; vec: Float32Array }[]): void {
    this.#db.transaction(() => {
      for (const e of entries) this.#put.run(model, e.hash, Buffer.from(e.vec.buffer, e.vec.byteOffset, e.vec.byteLength));
    })();
  }

  close(): void {
    this.#db.close();
  }
}
