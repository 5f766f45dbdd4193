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

  const withFailingStore = async (error: () => unknown, run: () => Promise<void>): Promise<void> => {
    const store = server.kefu.store;
    const original = store.createConversation.bind(store);
    store.createConversation = () => Promise.reject(error());
    try {
      await run();
    } finally {
      store.createConversation = original;
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
    const store = server.kefu.store;
    const created = (await (await postJson(`${server.url}/v1/chat`, { message: '你好' })).json()) as { session_id: string };
    const original = store.appendMessages?.bind(store);
    const originalOne = store.appendMessage.bind(store);
    if (store.appendMessages !== undefined) store.appendMessages = () => Promise.reject(translatePgError(refused()));
    store.appendMessage = () => Promise.reject(translatePgError(refused()));
    try {
      const res = await postJson(`${server.url}/v1/chat`, { message: '你好', session_id: created.session_id, stream: true });
      const events = await readSse(res);
      expect(JSON.stringify(events)).not.toMatch(/10\.0\.0\.5|5432|ECONNREFUSED/);
    } finally {
      if (original !== undefined) store.appendMessages = original;
      store.appendMessage = originalOne;
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
