import { Hono, type MiddlewareHandler } from 'hono';
import { badRequest } from '../errors.ts';
import type { AppEnv } from '../server/app-env.ts';
import { auditJsonlChunksAsync } from './audit-jsonl.ts';
import type { AuditLog } from '../contracts/audit-log.ts';

/**
 * Admin routes: `GET /v1/audit/verify` (200 with `ok:false` when the chain is broken: the check
 * worked, its finding is the body; `?checkpoint=<json>` also checks a signed checkpoint) and `GET /v1/audit/export?from=&to=` (JSONL, streamed page by
 * page as the client reads, oldest first; bounds are inclusive seqs).
 */
export function auditRoutes(deps: { audit: Pick<AuditLog, 'verify' | 'export' | 'verifyCheckpoint'>; admin: MiddlewareHandler }) {
  const app = new Hono<AppEnv>();

  app.get('/v1/audit/verify', deps.admin, async (c) => {
    const raw = c.req.query('checkpoint');
    let checkpoint: unknown;
    if (raw !== undefined) {
      try {
        checkpoint = JSON.parse(raw) as unknown;
      } catch {
        throw badRequest('invalid_checkpoint', 'checkpoint must be the JSON object of an "audit checkpoint" log line');
      }
    }
    const result = await deps.audit.verify();
    if (raw === undefined || !result.ok) return c.json(result);
    const problem = await deps.audit.verifyCheckpoint(checkpoint);
    return c.json(problem === null ? result : Object.assign({}, result, { ok: false, problem }));
  });

  app.get('/v1/audit/export', deps.admin, (c) => {
    const from = seqParam('from', c.req.query('from'));
    const to = seqParam('to', c.req.query('to'));
    if (from !== undefined && to !== undefined && from > to) throw badRequest('invalid_range', 'from must not be greater than to');
    const chunks = auditJsonlChunksAsync(
      deps.audit.export(Object.assign(from === undefined ? {} : { fromSeq: from }, to === undefined ? {} : { toSeq: to })),
    );
    const encoder = new TextEncoder();
    const body = new ReadableStream<Uint8Array>({
      async pull(controller) {
        const next = await chunks.next();
        if (next.done === true) controller.close();
        else controller.enqueue(encoder.encode(next.value));
      },
      async cancel() {
        await chunks.return(undefined);
      },
    });
    return c.body(body, 200, { 'content-type': 'application/x-ndjson', 'cache-control': 'no-store' });
  });

  return app;
}

function seqParam(name: string, value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const n = /^\d{1,15}$/.test(value) ? Number(value) : Number.NaN;
  if (!(n >= 1)) throw badRequest(`invalid_${name}`, `${name} must be a seq: an integer ≥ 1`);
  return n;
}
