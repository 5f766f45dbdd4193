import { KefuError } from '../../errors.ts';
import { splitWecomText, WECOM_TEXT_MAX_BYTES } from './split-wecom-text.ts';

/** WeCom's server API for an in-house app: what Kefu needs of it is sending text to a member. */
export interface WecomClientOptions {
  /** KEFU_WECOM_CORP_ID. */
  corpId: string;
  /** KEFU_WECOM_SECRET: the app's Secret (not the callback Token). */
  secret: string;
  /** KEFU_WECOM_AGENT_ID: the app's AgentId. */
  agentId: number | string;
  /** KEFU_WECOM_API_BASE; tests point it at a local fake. Default `https://qyapi.weixin.qq.com`. */
  baseUrl?: string;
  fetch?: typeof globalThis.fetch;
  /** Epoch ms; for the token's expiry. Default `Date.now`. */
  now?: () => number;
  /** Per HTTP request. Default 10 000 ms. */
  timeoutMs?: number;
  /** Tokens are refreshed this long before WeCom says they expire. Default 300 000 ms. */
  tokenMarginMs?: number;
}

/**
 * Where late replies go: the client itself, or a durable queue in front of it. `key` names the
 * delivery the reply answers, so a durable sender can make sure it goes out once.
 */
export interface WecomSender {
  sendText(toUser: string, content: string, key?: string): Promise<void>;
}

/** Files members send (pictures, voice), fetched by MediaId (media/get; valid for three days). */
export interface WecomMedia {
  /** The file, refused (413 media_too_large) past `maxBytes` before more is read. */
  downloadMedia(mediaId: string, maxBytes: number): Promise<{ bytes: Buffer; mime: string }>;
}

export interface WecomClient extends WecomSender, WecomMedia {
  /** Sends `content` to member `toUser` as one text message, or several at sentence ends when it is over 2048 bytes. */
  sendText(toUser: string, content: string): Promise<void>;
}

interface WecomResult {
  errcode?: number;
  errmsg?: string;
  access_token?: string;
  expires_in?: number;
  /** message/send: members the message did not reach (not in the app's visible range). */
  invaliduser?: string;
}

/** errcodes meaning the access token is invalid or expired: fetch a new one and try again. */
const STALE_TOKEN = new Set([40014, 42001]);

const apiError = (what: string, r: WecomResult): KefuError =>
  new KefuError('wecom_api_error', `WeCom ${what} failed: ${r.errmsg ?? 'no errmsg'} (errcode ${r.errcode ?? 'none'})`, {
    status: 502,
    // -1: "system busy", the one errcode WeCom documents as worth retrying.
    retryable: r.errcode === -1,
  });

/** Where and how the client reaches the WeCom API. */
interface WecomHttp {
  baseUrl: string;
  doFetch: typeof globalThis.fetch;
  timeoutMs: number;
}

/** One JSON call; a network failure or timeout is tried once more. */
async function call(http: WecomHttp, path: string, init: { method: 'GET' | 'POST'; body?: unknown }): Promise<WecomResult> {
  const { baseUrl, doFetch, timeoutMs } = http;
  for (let attempt = 1; ; attempt++) {
    let res: Response;
    try {
      res = await doFetch(`${baseUrl}${path}`, {
        method: init.method,
        signal: AbortSignal.timeout(timeoutMs),
        ...(init.body === undefined ? {} : { headers: { 'content-type': 'application/json' }, body: JSON.stringify(init.body) }),
      });
    } catch (cause) {
      if (attempt < 2) continue;
      throw new KefuError('wecom_unreachable', `WeCom API at ${baseUrl} did not answer`, { status: 502, retryable: true, cause });
    }
    if (!res.ok) {
      await res.body?.cancel();
      if (res.status >= 500 && attempt < 2) continue;
      throw new KefuError('wecom_api_error', `WeCom API answered HTTP ${res.status}`, { status: 502, retryable: res.status >= 500 || res.status === 429 });
    }
    try {
      return (await res.json()) as WecomResult;
    } catch (cause) {
      throw new KefuError('wecom_api_error', 'WeCom API answered with something other than JSON', { status: 502, retryable: true, cause });
    }
  }
}


/** media/get answers the file itself, or JSON with an errcode: read at most `maxBytes` of it. */
async function downloadOnce(http: WecomHttp, mediaId: string, used: string, maxBytes: number): Promise<{ bytes: Buffer; mime: string } | WecomResult> {
  const { baseUrl, doFetch, timeoutMs } = http;
  const query = new URLSearchParams({ access_token: used, media_id: mediaId });
  let res: Response;
  try {
    res = await doFetch(`${baseUrl}/cgi-bin/media/get?${query}`, { signal: AbortSignal.timeout(timeoutMs) });
  } catch (cause) {
    throw new KefuError('wecom_unreachable', `WeCom API at ${baseUrl} did not answer`, { status: 502, retryable: true, cause });
  }
  if (!res.ok) {
    await res.body?.cancel();
    throw new KefuError('wecom_api_error', `WeCom media/get answered HTTP ${res.status}`, { status: 502, retryable: res.status >= 500 });
  }
  const type = (res.headers.get('content-type') ?? '').split(';')[0]!.trim().toLowerCase();
  const tooLarge = () => new KefuError('media_too_large', `the file is over ${maxBytes} bytes`, { status: 413 });
  if (Number(res.headers.get('content-length') ?? 0) > maxBytes) {
    await res.body?.cancel();
    throw tooLarge();
  }
  const chunks: Buffer[] = [];
  let size = 0;
  const reader = res.body?.getReader();
  for (let r = await reader?.read(); r !== undefined && !r.done; r = await reader?.read()) {
    size += r.value.byteLength;
    if (size > maxBytes) {
      await reader?.cancel();
      throw tooLarge();
    }
    chunks.push(Buffer.from(r.value));
  }
  const bytes = Buffer.concat(chunks);
  if (type === 'application/json' || type === 'text/plain') {
    try {
      return JSON.parse(bytes.toString('utf8')) as WecomResult;
    } catch (cause) {
      throw new KefuError('wecom_api_error', 'WeCom media/get answered text that is not JSON', { status: 502, cause });
    }
  }
  return { bytes, mime: type };
}


export function createWecomClient(options: WecomClientOptions): WecomClient {
  const baseUrl = (options.baseUrl ?? 'https://qyapi.weixin.qq.com').replace(/\/+$/, '');
  const http: WecomHttp = { baseUrl, doFetch: options.fetch ?? globalThis.fetch, timeoutMs: options.timeoutMs ?? 10_000 };
  const now = options.now ?? Date.now;
  const marginMs = options.tokenMarginMs ?? 300_000;
  const agentId = Number(options.agentId);
  if (options.secret.length === 0) throw new KefuError('invalid_config', 'WeCom replies need the app Secret: set KEFU_WECOM_SECRET');
  if (!Number.isSafeInteger(agentId) || agentId < 0) throw new KefuError('invalid_config', `KEFU_WECOM_AGENT_ID must be the app's numeric AgentId, got "${String(options.agentId)}"`);

  let token: { value: string; expiresAt: number } | null = null;
  let pending: Promise<string> | null = null;

  async function fetchToken(): Promise<string> {
    const query = new URLSearchParams({ corpid: options.corpId, corpsecret: options.secret });
    const r = await call(http, `/cgi-bin/gettoken?${query}`, { method: 'GET' });
    if (r.errcode !== undefined && r.errcode !== 0) throw apiError('gettoken', r);
    if (typeof r.access_token !== 'string' || r.access_token.length === 0) throw apiError('gettoken (no access_token)', r);
    const lifeMs = (typeof r.expires_in === 'number' && r.expires_in > 0 ? r.expires_in : 7200) * 1000;
    token = { value: r.access_token, expiresAt: now() + Math.max(lifeMs - marginMs, lifeMs / 2) };
    return r.access_token;
  }

  /** The cached token while it is fresh; concurrent callers share one refresh. */
  function accessToken(stale?: string): Promise<string> {
    if (token !== null && token.value !== stale && now() < token.expiresAt) return Promise.resolve(token.value);
    pending ??= fetchToken().finally(() => {
      pending = null;
    });
    return pending;
  }

  async function sendOne(toUser: string, content: string): Promise<void> {
    const body = { touser: toUser, msgtype: 'text', agentid: agentId, text: { content } };
    let used = await accessToken();
    for (let attempt = 1; ; attempt++) {
      const r = await call(http, `/cgi-bin/message/send?access_token=${encodeURIComponent(used)}`, { method: 'POST', body });
      if (r.errcode === undefined || r.errcode === 0) {
        if (typeof r.invaliduser === 'string' && r.invaliduser.length > 0) {
          throw new KefuError('wecom_invalid_user', `WeCom did not deliver to ${r.invaliduser}: the member is outside the app's visible range`, { status: 502 });
        }
        return;
      }
      if (STALE_TOKEN.has(r.errcode) && attempt < 2) {
        used = await accessToken(used);
        continue;
      }
      throw apiError('message/send', r);
    }
  }

  return {
    async downloadMedia(mediaId, maxBytes) {
      let used = await accessToken();
      for (let attempt = 1; ; attempt++) {
        const r = await downloadOnce(http, mediaId, used, maxBytes);
        if ('bytes' in r) return r;
        if (r.errcode !== undefined && STALE_TOKEN.has(r.errcode) && attempt < 2) {
          used = await accessToken(used);
          continue;
        }
        throw apiError('media/get', r);
      }
    },
    async sendText(toUser, content) {
      if (toUser.length === 0) throw new KefuError('invalid_argument', 'toUser must not be empty');
      for (const piece of splitWecomText(content, WECOM_TEXT_MAX_BYTES)) await sendOne(toUser, piece);
    },
  };
}
