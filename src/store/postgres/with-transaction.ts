import type pg from 'pg';
import { translatePgError } from './postgres-errors.ts';

export interface TransactionOptions<T> {
  /** Appended to BEGIN, e.g. `ISOLATION LEVEL SERIALIZABLE`. */
  readonly begin?: string;
  /** False rolls the finished work back instead of committing it (an all-or-nothing insert that came up short). */
  readonly commit?: (result: T) => boolean;
}

/**
 * Runs `work` in one transaction on a pooled connection: COMMIT on success, ROLLBACK on a throw,
 * the connection always released, and driver errors translated so callers never see a `pg` error.
 */
export async function withTransaction<T>(pool: pg.Pool, work: (client: pg.PoolClient) => Promise<T>, options: TransactionOptions<T> = {}): Promise<T> {
  const client = await pool.connect().catch((error: unknown) => Promise.reject(translatePgError(error)));
  try {
    await client.query(options.begin === undefined ? 'BEGIN' : `BEGIN ${options.begin}`);
    const result = await work(client);
    await client.query(options.commit === undefined || options.commit(result) ? 'COMMIT' : 'ROLLBACK');
    return result;
  } catch (error) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw translatePgError(error);
  } finally {
    client.release();
  }
}
