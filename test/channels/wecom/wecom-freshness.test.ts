import { Hono } from 'hono';
import { describe, expect, it } from 'vitest';
import { createSqliteWecomDedupe } from '../../../src/channels/wecom/sqlite-wecom-dedupe.ts';
import { createWecomCrypto } from '../../../src/channels/wecom/wecom-crypto.ts';
import { createMemoryWecomDedupe, type WecomDedupe } from '../../../src/channels/wecom/wecom-dedupe.ts';
import { wecomRoutes, type WecomRoutesDeps } from '../../../src/channels/wecom/wecom-routes.ts';
import type { ChatReply } from '../../../src/contracts/reply-part.ts';
import { createLogger } from '../../../src/logging/create-logger.ts';
import { createMetrics } from '../../../src/metrics/create-metrics.ts';
import type { ChatPipeline } from '../../../src/pipeline/chat-pipeline.ts';
import { createErrorHandler } from '../../../src/server/error-handler.ts';

/**
 * Replay: a callback captured off the wire is correctly signed forever, so its signed timestamp
 * must be recent, and de-duplication must outlast the window in which it is.
 */
const CORP = { token: 'kefuToken42', corpId: 'ww0123456789abcdef', encodingAesKey: 'abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG' };
const corp = createWecomCrypto(CORP);
const CALLBACK = '/channels/wecom/callback';
const T0 = 1_800_000_000_000;

function countingPipeline(): ChatPipeline & { calls: number } {
  const p = {
    calls: 0,
    async run(): Promise<ChatReply> {
      p.calls += 1;
      return { session_id: 's', message_id: `m${p.calls}`, reply: 'ok', intent: 'other', emotion: { label: 'neutral', intensity: 0 }, handoff: false, sources: [], cached: false, model: 'retrieval' };
    },
    async *stream() {
      yield { type: 'done' as const, reply: await p.run() };
    },
  };
  return p;
}

function mount(clock: { at: number }, deps: Partial<WecomRoutesDeps> = {}) {
  const pipeline = countingPipeline();
  const metrics = createMetrics();
  const logged: string[] = [];
  const logger = createLogger('info', { write: (line: string) => logged.push(line) } as unknown as NodeJS.WritableStream);
  const app = new Hono();
  app.route('/', wecomRoutes({ crypto: corp, pipeline, client: { sendText: async () => {} }, dedupe: createMemoryWecomDedupe({ now: () => clock.at }), logger, now: () => clock.at, ...deps }));
  app.onError(createErrorHandler(logger, metrics));
  return { app, pipeline, metrics, logged };
}

const textXml = (msgId: string) =>
  `<xml><ToUserName><![CDATA[${CORP.corpId}]]></ToUserName><FromUserName><![CDATA[zhangsan]]></FromUserName><CreateTime>1800000000</CreateTime><MsgType><![CDATA[text]]></MsgType><Content><![CDATA[我的快递到哪了]]></Content><MsgId>${msgId}</MsgId></xml>`;

/** A callback as WeCom signs it at `timestampS`: the URL and body an eavesdropper could keep. */
function signedCallback(msgId: string, timestampS: number) {
  const encrypt = corp.encrypt(textXml(msgId));
  const timestamp = String(timestampS);
  const url = `${CALLBACK}?msg_signature=${corp.signature(timestamp, '1372623149', encrypt)}&timestamp=${timestamp}&nonce=1372623149`;
  const body = `<xml><ToUserName><![CDATA[${CORP.corpId}]]></ToUserName><Encrypt><![CDATA[${encrypt}]]></Encrypt></xml>`;
  return (app: Hono) => app.request(url, { method: 'POST', headers: { 'content-type': 'text/xml' }, body });
}

const codeOf = async (res: Response): Promise<string> => `${res.status} ${res.status === 200 ? await res.text() : ((await res.json()) as { error: { code: string } }).error.code}`;

describe('WeCom callback freshness', () => {
  it('refuses a correctly signed callback from 2001, with a metric and a log line', async () => {
    const clock = { at: T0 };
    const { app, pipeline, metrics, logged } = mount(clock);
    expect(await codeOf(await signedCallback('1', Date.parse('2001-09-09T01:46:40Z') / 1000)(app))).toBe('403 wecom_stale_timestamp');
    expect(pipeline.calls).toBe(0);
    expect(await metrics.registry.getSingleMetricAsString('kefu_errors_total')).toMatch(/kefu_errors_total\{code="wecom_stale_timestamp"\} 1/);
    expect(logged.some((l) => l.includes('wecom_stale_timestamp') || l.includes('outside the'))).toBe(true);
  });

  it('accepts ±5 minutes by default and refuses beyond, in the past and in the future', async () => {
    const clock = { at: T0 };
    const { app, pipeline } = mount(clock);
    const s = T0 / 1000;
    expect(await codeOf(await signedCallback('10', s - 299)(app))).not.toMatch(/^403/);
    expect(await codeOf(await signedCallback('11', s + 299)(app))).not.toMatch(/^403/);
    expect(await codeOf(await signedCallback('12', s - 301)(app))).toBe('403 wecom_stale_timestamp');
    expect(await codeOf(await signedCallback('13', s + 301)(app))).toBe('403 wecom_stale_timestamp');
    expect(pipeline.calls).toBe(2);
  });

  it('the window is configurable', async () => {
    const clock = { at: T0 };
    const { app } = mount(clock, { timestampWindowMs: 60_000 });
    expect(await codeOf(await signedCallback('20', T0 / 1000 - 30)(app))).not.toMatch(/^403/);
    expect(await codeOf(await signedCallback('21', T0 / 1000 - 90)(app))).toBe('403 wecom_stale_timestamp');
  });

  it('URL verification (GET) is held to the same window', async () => {
    const clock = { at: T0 };
    const { app } = mount(clock);
    const echostr = corp.encrypt('1616140317555161061');
    const get = (ts: number) => app.request(`${CALLBACK}?${new URLSearchParams({ msg_signature: corp.signature(String(ts), '7', echostr), timestamp: String(ts), nonce: '7', echostr })}`);
    expect(await codeOf(await get(T0 / 1000))).toBe('200 1616140317555161061');
    expect(await codeOf(await get(T0 / 1000 - 3600))).toBe('403 wecom_stale_timestamp');
  });

  for (const [name, make] of [
    ['memory', (clock: { at: number }) => createMemoryWecomDedupe({ now: () => clock.at })],
    ['SQLite', (clock: { at: number }) => createSqliteWecomDedupe({ path: ':memory:', now: () => clock.at })],
  ] as const) {
    it(`a captured callback replayed inside the window is a duplicate, and after the ${name} dedupe forgot it, stale`, async () => {
      const clock = { at: T0 };
      const { app, pipeline } = mount(clock, { dedupe: make(clock) });
      const captured = signedCallback('4561255354251345929', T0 / 1000);
      expect(await codeOf(await captured(app))).toMatch(/^200/);
      clock.at += 4 * 60_000;
      expect(await codeOf(await captured(app))).toBe('200 success');
      // Past the dedupe's retention (one hour): only the timestamp stops it now.
      clock.at = T0 + 3_600_000 + 1000;
      expect(await codeOf(await captured(app))).toBe('403 wecom_stale_timestamp');
      expect(pipeline.calls).toBe(1);
    });
  }

  it('refuses a dedupe that forgets sooner than a signed timestamp stays fresh', () => {
    const short: WecomDedupe = createMemoryWecomDedupe({ ttlMs: 5 * 60_000 });
    expect(() => wecomRoutes({ crypto: corp, pipeline: countingPipeline(), client: { sendText: async () => {} }, dedupe: short, logger: createLogger('silent') })).toThrow(/dedupe|retention|window/i);
    expect(() => wecomRoutes({ crypto: corp, pipeline: countingPipeline(), client: { sendText: async () => {} }, dedupe: short, logger: createLogger('silent'), timestampWindowMs: 60_000 })).not.toThrow();
  });
});
