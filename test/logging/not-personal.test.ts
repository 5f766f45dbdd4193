import { Writable } from 'node:stream';
import { expect, it } from 'vitest';
import { createLogger } from '../../src/logging/create-logger.ts';
import { createLogStringMasker } from '../../src/logging/log-string-masker.ts';
import { requestLogFields } from '../../src/server/request-log-fields.ts';

function capture(): { sink: Writable; lines: () => Record<string, unknown>[] } {
  let out = '';
  const sink = new Writable({ write(chunk: Buffer, _enc, done) { out += chunk.toString(); done(); } });
  return { sink, lines: () => out.trim().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>) };
}

it('scans every string field of a line once, and not the values Kefu marked as its own', () => {
  const scanned: string[] = [];
  const real = createLogStringMasker();
  const { sink, lines } = capture();
  const log = createLogger('info', sink, (text) => (scanned.push(text), real(text)));
  log.info(requestLogFields({ reqId: 'generated-0f3a', clientReqId: undefined, method: 'POST', path: '/v1/chat', status: 200, ms: 3 }), 'request');
  expect(scanned.sort()).toEqual(['/v1/chat', 'request']);
  expect(lines()[0]).toMatchObject({ reqId: 'generated-0f3a', method: 'POST', path: '/v1/chat', status: 200, ms: 3, msg: 'request' });
});

it('masks a request id the client chose and a path, which can carry a phone number', () => {
  const { sink, lines } = capture();
  const log = createLogger('info', sink);
  log.info(requestLogFields({ reqId: '13812345678', clientReqId: '13812345678', method: 'GET', path: '/v1/sessions/13812345678', status: 404, ms: 1 }), 'request');
  const [line] = lines();
  expect(JSON.stringify(line)).not.toContain('13812345678');
  expect(line).toMatchObject({ method: 'GET', status: 404 });
});
