import type Database from 'better-sqlite3';
import type { Job, JobState } from '../contracts/job-queue.ts';

export interface JobRow {
  id: string;
  type: string;
  payload: string;
  idempotency_key: string;
  state: JobState;
  attempts: number;
  max_attempts: number;
  run_at: number;
  created_at: number;
  last_error: string | null;
}

const JOB = 'id, type, payload, idempotency_key, state, attempts, max_attempts, run_at, created_at, last_error';
/** Clears the lease: only `running` jobs hold one. */
const RELEASE = 'lease_token = NULL, lease_until = NULL';
/** Only the worker holding the current lease may settle a job. */
const LEASED = "id = ? AND lease_token = ? AND state = 'running'";

export function toJob(row: JobRow): Job {
  return {
    id: row.id,
    type: row.type,
    payload: JSON.parse(row.payload) as unknown,
    idempotencyKey: row.idempotency_key,
    state: row.state,
    attempts: row.attempts,
    maxAttempts: row.max_attempts,
    runAt: row.run_at,
    createdAt: row.created_at,
    lastError: row.last_error,
  };
}

/** Every statement the queue runs, compiled once after migration. */
export function prepareQueueStatements(db: Database.Database) {
  return {
    insert: db.prepare<[string, string, string, string, number, number, number, number]>(
      `INSERT INTO jobs (id, type, payload, idempotency_key, state, attempts, max_attempts, run_at, created_at, updated_at)
       VALUES (?, ?, ?, ?, 'queued', 0, ?, ?, ?, ?) ON CONFLICT (type, idempotency_key) DO NOTHING`,
    ),
    getByKey: db.prepare<[string, string], JobRow>(`SELECT ${JOB} FROM jobs WHERE type = ? AND idempotency_key = ?`),
    get: db.prepare<[string], JobRow>(`SELECT ${JOB} FROM jobs WHERE id = ?`),
    /** The oldest due job of a type: queued and due, or running with an expired lease. */
    nextClaimable: db.prepare<[string, number, number], { id: string; state: JobState; attempts: number; max_attempts: number }>(
      `SELECT id, state, attempts, max_attempts FROM jobs
       WHERE type = ? AND ((state = 'queued' AND run_at <= ?) OR (state = 'running' AND lease_until <= ?))
       ORDER BY run_at, seq LIMIT 1`,
    ),
    claim: db.prepare<[string, number, number, string], JobRow>(
      `UPDATE jobs SET state = 'running', attempts = attempts + 1, lease_token = ?, lease_until = ?, updated_at = ?
       WHERE id = ? RETURNING ${JOB}`,
    ),
    buryExpired: db.prepare<[string, number, string]>(
      `UPDATE jobs SET state = 'dead', ${RELEASE}, last_error = ?, updated_at = ? WHERE id = ?`,
    ),
    renew: db.prepare<[number, string, string]>(`UPDATE jobs SET lease_until = ? WHERE ${LEASED}`),
    complete: db.prepare<[number, string, string]>(`UPDATE jobs SET state = 'done', ${RELEASE}, updated_at = ? WHERE ${LEASED}`),
    retry: db.prepare<[number, string, number, string, string]>(
      `UPDATE jobs SET state = 'queued', ${RELEASE}, run_at = ?, last_error = ?, updated_at = ? WHERE ${LEASED}`,
    ),
    bury: db.prepare<[string, number, string, string]>(
      `UPDATE jobs SET state = 'dead', ${RELEASE}, last_error = ?, updated_at = ? WHERE ${LEASED}`,
    ),
    countByState: db.prepare<[], { state: JobState; n: number }>('SELECT state, COUNT(*) AS n FROM jobs GROUP BY state'),
    purge: db.prepare<[number]>("DELETE FROM jobs WHERE state IN ('done', 'dead') AND updated_at < ?"),
  };
}

export type QueueStatements = ReturnType<typeof prepareQueueStatements>;
