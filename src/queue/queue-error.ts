import type { JobQueueErrorCode } from '../contracts/job-queue.ts';
import { KefuError } from '../errors.ts';

const STATUS: Record<JobQueueErrorCode, number> = {
  invalid_argument: 400,
  queue_closed: 503,
  schema_too_new: 500,
};

/** The one way queue adapters fail, so codes and statuses match between SQLite and Redis. */
export function queueError(code: JobQueueErrorCode, message: string, cause?: unknown): KefuError {
  return new KefuError(code, message, {
    status: STATUS[code],
    retryable: code === 'queue_closed',
    ...(cause === undefined ? {} : { cause }),
  });
}
