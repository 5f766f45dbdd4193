import { PassThrough } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLogger } from '../../src/logging/create-logger.ts';
import { translatePgError } from '../../src/store/postgres/postgres-errors.ts';
import { toErrorResponse } from '../../src/server/error-handler.ts';
import { postJson, readSse, startTestServer, type TestServer } from '../support/start-test-server.ts';

/** What node-postgres throws when the database host refuses the connection. */
const refused = (): Error => Object.assign(new Error('connect ECONNREFUSED 10.0.0.5:5432'), { code: 'ECONNREFUSED', address: '10.0.0.5', port: 5432 });

interface ErrorBody {
  error: { code: string; message: string; error_id?: string; request_id?: string };
}

describe('5xx answers say nothing about the inside', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer({ KEFU_RATE_LIMIT_PER_MINUTE: '1000' });
  });
  afterAll(async () => {
    await server.destroy();
  });

  /** Replaces a store method for one test; the store may be a proxy, so the replacement is deleted after, not reassigned. */
  const patch = <K extends 'createConversation' | 'appendMessage' | 'appendMessages'>(name: K, fn: () => Promise<never>): (() => void) => {
    const store = server.kefu.store;
    const own = Object.getOwnPropertyDescriptor(store, name);
    Object.defineProperty(store, name, { value: fn, configurable: true, writable: true });
    return () => {
      if (own === undefined) Reflect.deleteProperty(store, name);
      else Object.defineProperty(store, name, own);
    };
  };

  /** A new session is stored with the turn's transcript (issue 16.2), or on its own where a store cannot. */
  const withFailingStore = async (error: () => unknown, run: () => Promise<void>): Promise<void> => {
    const restore = (['createConversation', 'appendMessage', 'appendMessages'] as const).map((name) => patch(name, () => Promise.reject(error())));
    try {
      await run();
    } finally {
      for (const r of restore) r();
    }
  };

  it('a database that is down: 503 with a generic message and an error id, no host or port', async () => {
    await withFailingStore(() => translatePgError(refused()), async () => {
      const res = await postJson(`${server.url}/v1/chat`, { message: '你好' });
      expect(res.status).toBe(503);
      const text = await res.text();
      expect(text).not.toMatch(/10\.0\.0\.5|5432|ECONNREFUSED/);
      const body = JSON.parse(text) as ErrorBody;
      expect(body.error.code).toBe('store_closed');
      expect(body.error.error_id).toMatch(/^[0-9a-f]{8,}$/);
      expect(body.error.message).toContain(body.error.error_id);
    });
  });

  it('a raw driver error (not a KefuError): 500 internal_error, no driver text', async () => {
    await withFailingStore(refused, async () => {
      const res = await postJson(`${server.url}/v1/chat`, { message: '你好' });
      expect(res.status).toBe(500);
      const text = await res.text();
      expect(text).not.toMatch(/10\.0\.0\.5|5432|ECONNREFUSED/);
      expect((JSON.parse(text) as ErrorBody).error.code).toBe('internal_error');
    });
  });

  it('the same on a stream: the error event carries no driver text', async () => {
    const created = (await (await postJson(`${server.url}/v1/chat`, { message: '你好' })).json()) as { session_id: string; session_token: string };
    const restore = [patch('appendMessages', () => Promise.reject(translatePgError(refused()))), patch('appendMessage', () => Promise.reject(translatePgError(refused())))];
    try {
      const res = await postJson(`${server.url}/v1/chat`, { message: '你好', session_id: created.session_id, session_token: created.session_token, stream: true });
      expect(res.status).toBe(200);
      const events = await readSse(res);
      expect(events.find((e) => e.event === 'error')?.data).toMatchObject({ code: 'store_closed', message: expect.stringMatching(/error id [0-9a-f]+/) });
      expect(JSON.stringify(events)).not.toMatch(/10\.0\.0\.5|5432|ECONNREFUSED/);
    } finally {
      for (const r of restore) r();
    }
  });
});

describe('toErrorResponse', () => {
  it('logs the details under the same error id the client sees', () => {
    const out = new PassThrough();
    const lines: string[] = [];
    out.on('data', (d: Buffer) => lines.push(...d.toString('utf8').trim().split('\n')));
    const logger = createLogger('info', out);
    const { status, body } = toErrorResponse(translatePgError(refused()), logger);
    expect(status).toBe(503);
    const id = body.error.error_id;
    expect(id).toBeDefined();
    expect(JSON.stringify(body)).not.toContain('10.0.0.5');
    const logged = lines.map((l) => JSON.parse(l) as { errorId?: string; err?: { message?: string } });
    expect(logged.some((l) => l.errorId === id && (l.err?.message ?? '').includes('10.0.0.5:5432'))).toBe(true);
  });

  it('4xx messages are the client’s own business and pass through', () => {
    const { status, body } = toErrorResponse(translatePgError(Object.assign(new Error('bad byte'), { code: '22021' })), createLogger('silent'));
    expect(status).toBe(400);
    expect(body.error.message).toContain('bad byte');
  });
});
