import { randomBytes } from 'node:crypto';
import type { Context } from 'hono';
import { HTTPException } from 'hono/http-exception';
import type { ContentfulStatusCode } from 'hono/utils/http-status';
import { z } from 'zod';
import { isKefuError } from '../errors.ts';
import type { Logger } from '../logging/create-logger.ts';
import type { Metrics } from '../metrics/create-metrics.ts';

export interface ErrorBody {
  /** `error_id` on 5xx: the key to the log line that has the details. */
  error: { code: string; message: string; request_id?: string; error_id?: string };
}

/**
 * What a client reads for a server-side failure. The thrown message may carry driver text (a
 * database host and port, an upstream URL), so it stays in the log and the client gets this.
 */
const GENERIC: Record<number, string> = {
  502: 'An upstream service failed',
  503: 'The service is unavailable right now; try again',
  504: 'An upstream service did not answer in time',
};

/** Maps any thrown value to `{error:{code,message}}`; internal details stay in the log. */
export function toErrorResponse(err: unknown, logger: Logger): { status: ContentfulStatusCode; body: ErrorBody } {
  if (isKefuError(err) && err.status < 500) {
    return { status: err.status as ContentfulStatusCode, body: { error: { code: err.code, message: err.message } } };
  }
  if (err instanceof z.ZodError) {
    const issue = err.issues[0];
    const where = issue && issue.path.length > 0 ? `${issue.path.join('.')}: ` : '';
    return { status: 400, body: { error: { code: 'invalid_request', message: `${where}${issue?.message ?? 'invalid request'}` } } };
  }
  if (err instanceof HTTPException && err.status < 500) {
    return { status: err.status as ContentfulStatusCode, body: { error: { code: `http_${err.status}`, message: err.message || 'request failed' } } };
  }
  // The client hung up while its body was being read (Node's 'aborted'): nothing failed here, so
  // no internal error is logged or counted for it, and no one is left to read this answer.
  if (err instanceof Error && err.message === 'aborted' && (err as NodeJS.ErrnoException).code === 'ECONNRESET') {
    return { status: 400, body: { error: { code: 'client_closed_request', message: 'The client closed the connection before its request arrived' } } };
  }
  const errorId = randomBytes(8).toString('hex');
  const status = (isKefuError(err) || err instanceof HTTPException ? err.status : 500) as ContentfulStatusCode;
  const code = isKefuError(err) ? err.code : err instanceof HTTPException ? `http_${err.status}` : 'internal_error';
  logger.error({ err, errorId, code }, isKefuError(err) ? err.message : 'unhandled error');
  const message = `${GENERIC[status] ?? 'Internal server error'} (error id ${errorId})`;
  return { status, body: { error: { code, message, error_id: errorId } } };
}

export function createErrorHandler(logger: Logger, metrics: Metrics) {
  return (err: unknown, c: Context) => {
    const requestId = c.get('requestId') as string | undefined;
    const { status, body } = toErrorResponse(err, requestId === undefined ? logger : logger.child({ reqId: requestId }));
    metrics.errors.inc({ code: body.error.code });
    if (requestId !== undefined) body.error.request_id = requestId;
    return c.json(body, status);
  };
}
