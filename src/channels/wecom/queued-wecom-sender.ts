import { randomUUID } from 'node:crypto';
import type { JobQueue } from '../../contracts/job-queue.ts';
import type { UserIdSealer } from '../../safety/pii/stored-user-id.ts';
import type { WecomClient, WecomSender } from './wecom-client.ts';

export const WECOM_SEND_JOB = 'wecom.send';

interface SendPayload {
  /** Sealed when it is personal data (a member named by phone number); opened for the send. */
  toUser: string;
  content: string;
}

export interface QueuedWecomSender extends WecomSender {
  /** Starts the worker that sends queued replies; returns a function that stops it. */
  start(options?: { concurrency?: number; pollMs?: number }): () => Promise<void>;
}

/**
 * Late replies through the durable job queue: once the pipeline has answered, the reply survives
 * a restart and a WeCom outage, and is retried with backoff (client errors WeCom will repeat,
 * such as a wrong Secret, are not retryable and go to `dead` at once). The key of the delivery a
 * reply answers is the job's idempotency key, so one delivery is never answered twice.
 */
export function createQueuedWecomSender(deps: { queue: JobQueue; client: WecomClient; maxAttempts?: number; userIds?: UserIdSealer }): QueuedWecomSender {
  const { queue, client, userIds } = deps;
  return {
    async sendText(toUser, content, key) {
      const payload: SendPayload = { toUser: userIds === undefined ? toUser : userIds.seal(toUser), content };
      await queue.enqueue(WECOM_SEND_JOB, payload, { idempotencyKey: key ?? randomUUID(), maxAttempts: deps.maxAttempts ?? 5 });
    },
    start(options) {
      return queue.work<SendPayload>(WECOM_SEND_JOB, (job) => client.sendText(userIds === undefined ? job.payload.toUser : userIds.open(job.payload.toUser), job.payload.content), options);
    },
  };
}
