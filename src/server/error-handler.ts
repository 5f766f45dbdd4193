import type { Context } from 'hono';
import { HTTPException } from 'hono/http-exception';
import type { ContentfulStatusCode } from 'hono/utils/http-status';
import { z } from 'zod';
import { isKefuError } from '../errors.ts';
import type { Logger } from '../logging/create-logger.ts';
import type { Metrics } from '../metrics/create-metrics.ts';

export interface ErrorBody {
  error: { code: string; message: string; request_id?: string };
}

/** Maps any thrown value to `{error:{code,message}}`; internal details stay in the log. */
export function toErrorResponse(err: unknown, logger: Logger): { status: ContentfulStatusCode; body: ErrorBody } {
  if (isKefuError(err)) {
    if (err.status >= 500) logger.error({ err }, err.message);
    return { status: err.status as ContentfulStatusCode, body: { error: { code: err.code, message: err.message } } };
  }
  if (err instanceof z.ZodError) {
    const issue = err.issues[0];
    const where = issue && issue.path.length > 0 ? `${issue.path.join('.')}: ` : '';
    return { status: 400, body: { error: { code: 'invalid_request', message: `${where}${issue?.message ?? 'invalid request'}` } } };
  }
  if (err instanceof HTTPException) {
    return { status: err.status as ContentfulStatusCode, body: { error: { code: `http_${err.status}`, message: err.message || 'request failed' } } };
  }
  logger.error({ err }, 'unhandled error');
  return { status: 500, body: { error: { code: 'internal_error', message: 'Internal server error' } } };
}

export function createErrorHandler(logger: Logger, metrics: Metrics) {
  return (err: unknown, c: Context) => {
    const { status, body } = toErrorResponse(err, logger);
    metrics.errors.inc({ code: body.error.code });
    const requestId = c.get('requestId') as string | undefined;
    if (requestId !== undefined) body.error.request_id = requestId;
    return c.json(body, status);
  };
}
