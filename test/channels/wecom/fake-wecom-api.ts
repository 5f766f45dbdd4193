import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface SentMessage {
  accessToken: string;
  body: { touser: string; msgtype: string; agentid: number; text: { content: string } };
}

export interface FakeWecomApi {
  baseUrl: string;
  /** Every gettoken call, with its query. */
  tokenRequests: URLSearchParams[];
  /** Every message/send call that was accepted. */
  sent: SentMessage[];
  /** Every message/send call, accepted or not. */
  sendAttempts: number;
  /** Makes the tokens issued so far invalid: the next send with one gets errcode 42001. */
  expireTokens(): void;
  /** The next `n` message/send calls get this answer instead. */
  failNextSends(n: number, answer: { errcode: number; errmsg: string }): void;
  /** The next `n` requests (any path) have their connection destroyed before any answer. */
  dropNextRequests(n: number): void;
  /** Files members "sent", served by media/get under their MediaId. */
  putMedia(mediaId: string, bytes: Buffer, contentType: string): void;
  /** Every media/get call's media_id. */
  mediaRequests: string[];
  close(): Promise<void>;
}

/**
 * A stand-in for qyapi.weixin.qq.com on loopback, shaped after WeCom's documented answers:
 * `gettoken` checks corpid/corpsecret and issues `token-N` valid for `expires_in` 7200;
 * `message/send` checks the token (40014 unknown, 42001 expired) and records the message.
 */
export async function startFakeWecomApi(expected: { corpId: string; secret: string }): Promise<FakeWecomApi> {
  const valid = new Set<string>();
  const expired = new Set<string>();
  let issued = 0;
  let failures: { n: number; answer: { errcode: number; errmsg: string } } = { n: 0, answer: { errcode: 0, errmsg: 'ok' } };
  let drops = 0;
  const media = new Map<string, { bytes: Buffer; contentType: string }>();

  const json = (res: ServerResponse, body: unknown) => {
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(JSON.stringify(body));
  };
  const readBody = async (req: IncomingMessage): Promise<string> => {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    return Buffer.concat(chunks).toString('utf8');
  };

  const api: FakeWecomApi = {
    baseUrl: '',
    tokenRequests: [],
    sent: [],
    sendAttempts: 0,
    expireTokens() {
      for (const t of valid) expired.add(t);
      valid.clear();
    },
    failNextSends(n, answer) {
      failures = { n, answer };
    },
    dropNextRequests(n) {
      drops = n;
    },
    putMedia(mediaId, bytes, contentType) {
      media.set(mediaId, { bytes, contentType });
    },
    mediaRequests: [],
    close: async () => {},
  };

  const server = createServer((req, res) => {
    void (async () => {
      if (drops > 0) {
        drops--;
        req.socket.destroy();
        return;
      }
      const url = new URL(req.url ?? '/', 'http://fake');
      if (req.method === 'GET' && url.pathname === '/cgi-bin/gettoken') {
        api.tokenRequests.push(url.searchParams);
        if (url.searchParams.get('corpid') !== expected.corpId || url.searchParams.get('corpsecret') !== expected.secret) {
          json(res, { errcode: 40001, errmsg: 'invalid credential' });
          return;
        }
        const token = `token-${++issued}`;
        valid.add(token);
        json(res, { errcode: 0, errmsg: 'ok', access_token: token, expires_in: 7200 });
        return;
      }
      if (req.method === 'POST' && url.pathname === '/cgi-bin/message/send') {
        const body = JSON.parse(await readBody(req)) as SentMessage['body'];
        api.sendAttempts++;
        const token = url.searchParams.get('access_token') ?? '';
        if (expired.has(token)) return json(res, { errcode: 42001, errmsg: 'access_token expired' });
        if (!valid.has(token)) return json(res, { errcode: 40014, errmsg: 'invalid access_token' });
        if (failures.n > 0) {
          failures.n--;
          return json(res, failures.answer);
        }
        api.sent.push({ accessToken: token, body });
        return json(res, { errcode: 0, errmsg: 'ok', invaliduser: '' });
      }
      // media/get: the file itself with its type, or WeCom's JSON error (40007 invalid media_id).
      if (req.method === 'GET' && url.pathname === '/cgi-bin/media/get') {
        const token = url.searchParams.get('access_token') ?? '';
        if (expired.has(token)) return json(res, { errcode: 42001, errmsg: 'access_token expired' });
        if (!valid.has(token)) return json(res, { errcode: 40014, errmsg: 'invalid access_token' });
        const id = url.searchParams.get('media_id') ?? '';
        api.mediaRequests.push(id);
        const file = media.get(id);
        if (file === undefined) return json(res, { errcode: 40007, errmsg: 'invalid media_id' });
        res.writeHead(200, { 'content-type': file.contentType, 'content-length': String(file.bytes.length), 'content-disposition': `attachment; filename="${id}"` });
        res.end(file.bytes);
        return;
      }
      res.writeHead(404).end();
    })();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  api.baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  api.close = () => new Promise<void>((resolve) => {
    server.closeAllConnections();
    server.close(() => resolve());
  });
  return api;
}
