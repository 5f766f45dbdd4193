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

  constructor(path: string) {
    if (path !== ':memory:') mkdirSync(dirname(path), { recursive: true });
    this.#db = new Database(path);
    this.#db.pragma('journal_mode = WAL');
    this.#db.pragma('synchronous = NORMAL');
    this.#db.exec('CREATE TABLE IF NOT EXISTS vectors (model TEXT NOT NULL, hash TEXT NOT NULL, vec BLOB NOT NULL, PRIMARY KEY (model, hash)) WITHOUT ROWID');
    this.#get = this.#db.prepare('SELECT vec FROM vectors WHERE model = ? AND hash = ?');
    this.#put = this.#db.prepare('INSERT OR REPLACE INTO vectors (model, hash, vec) VALUES (?, ?, ?)');
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
