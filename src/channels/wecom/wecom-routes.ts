import { randomBytes, randomInt } from 'node:crypto';
import { Hono, type Context } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import type { ChatReply } from '../../contracts/reply-part.ts';
import { KefuError } from '../../errors.ts';
import type { Logger } from '../../logging/create-logger.ts';
import { codePointLength } from '../../server/code-point-length.ts';
import type { ChatPipeline } from '../../pipeline/chat-pipeline.ts';
import type { AttachmentReaders, TurnAttachment } from '../../multimodal/read-attachments.ts';
import type { WecomMedia, WecomSender } from './wecom-client.ts';
import { WECOM_PICTURE_TEXTS, wecomPictureTurn, type WecomPictureTexts } from './wecom-picture.ts';
import { WECOM_VOICE_TEXTS, wecomVoiceTurn, type WecomVoiceTexts } from './wecom-voice.ts';
import type { WecomCrypto } from './wecom-crypto.ts';
import type { WecomDedupe } from './wecom-dedupe.ts';
import { wecomSessionId } from './wecom-session-id.ts';
import { WECOM_TEXT_MAX_BYTES } from './split-wecom-text.ts';
import { buildWecomEncryptedReply, buildWecomTextReply, parseWecomEnvelope, parseWecomMessage, type WecomMessage } from './wecom-xml.ts';

export const WECOM_CALLBACK_PATH = '/channels/wecom/callback';

/** Kefu's own words on WeCom; the defaults are Chinese, as WeCom's users mostly are. */
export interface WecomTexts {
  /** To `subscribe` and `enter_agent` events. */
  greeting: string;
  /** To images, voice, files, locations… */
  textOnly: string;
  tooLong: string;
  /** When the pipeline failed. */
  failed: string;
}

export interface WecomRoutesDeps {
  crypto: WecomCrypto;
  pipeline: ChatPipeline;
  /** Sends replies that miss the passive window: the client, or a queued sender in front of it. */
  client: WecomSender;
  dedupe: WecomDedupe;
  logger: Logger;
  /**
   * The server's session secret (ensureSessionSecret): members' session ids are derived with it.
   * Default: a random one for this process, so ids stay unguessable but change on restart.
   */
  sessionSecret?: string;
  /** A reply ready within this answers the callback itself (WeCom waits 5 s); later ones go out actively. Default 4000. */
  replyWindowMs?: number;
  /** Tenant of the conversations; default: the default tenant. */
  tenant?: string;
  /** Longer text messages get `texts.tooLong`. Default 2000. */
  maxMessageChars?: number;
  /** Callback bodies above this are refused (413). Default 64 KiB. */
  maxBodyBytes?: number;
  texts?: Partial<WecomTexts>;
  /** Fetches members' pictures (the WeCom client); absent: pictures get `texts.textOnly`. */
  media?: WecomMedia;
  /** Readers of pictures (OCR), as /v1/chat has them. */
  attachments?: AttachmentReaders;
  /** Pictures above this are refused before they are read. Default 8 MiB. */
  maxImageBytes?: number;
  pictureTexts?: Partial<WecomPictureTexts>;
  /** Voice recordings above this are refused before they are decoded. Default 4 MiB. */
  maxAudioBytes?: number;
  voiceTexts?: Partial<WecomVoiceTexts>;
  /** The text the member sees for a reply, e.g. with an AI label added. Default: `reply.reply`. */
  render?: (reply: ChatReply) => string;
  /** Epoch ms, for reply timestamps and the freshness check. */
  now?: () => number;
  /**
   * A callback whose signed timestamp is further than this from now is refused (403), so a
   * captured callback cannot be replayed once the dedupe has forgotten it. Default 5 minutes.
   */
  timestampWindowMs?: number;
}

const badRequest = (message: string): KefuError => new KefuError('wecom_bad_request', message, { status: 400 });

const ENTRY_EVENTS = new Set(['subscribe', 'enter_agent']);
const SIGNATURE = /^[0-9a-fA-F]{40}$/;
const TIMESTAMP = /^\d{1,20}$/;
const NONCE = /^[A-Za-z0-9]{1,64}$/;

/** The three signed query parameters every callback carries. */
function signedQuery(c: Context): { signature: string; timestamp: string; nonce: string } {
  const signature = c.req.query('msg_signature') ?? '';
  const timestamp = c.req.query('timestamp') ?? '';
  const nonce = c.req.query('nonce') ?? '';
  if (!SIGNATURE.test(signature)) throw badRequest('msg_signature must be 40 hex digits');
  if (!TIMESTAMP.test(timestamp)) throw badRequest('timestamp must be decimal digits');
  if (!NONCE.test(nonce)) throw badRequest('nonce must be 1-64 letters or digits');
  return { signature, timestamp, nonce };
}

const forbidden = (): KefuError => new KefuError('wecom_bad_signature', 'msg_signature does not match', { status: 403 });
const stale = (windowMs: number): KefuError =>
  new KefuError('wecom_stale_timestamp', `timestamp is more than ${Math.round(windowMs / 1000)} s from the server's clock`, { status: 403 });

/** What identifies one message across WeCom's redeliveries: MsgId, or for events the sender and time. */
const deliveryKey = (m: WecomMessage): string =>
  m.msgId ?? `${m.fromUserName}:${m.createTime}:${m.msgType === 'event' ? m.event : m.msgType}`;

/** The route's settings with their defaults, checked once when the routes are built. */
function wecomSettings(deps: WecomRoutesDeps) {
  const replyWindowMs = deps.replyWindowMs ?? 4000;
  if (!Number.isSafeInteger(replyWindowMs) || replyWindowMs < 0) throw new KefuError('invalid_config', 'replyWindowMs must be an integer ≥ 0');
  const maxMessageChars = deps.maxMessageChars ?? 2000;
  const maxBodyBytes = deps.maxBodyBytes ?? 64 * 1024;
  const now = deps.now ?? Date.now;
  const timestampWindowMs = deps.timestampWindowMs ?? 5 * 60_000;
  if (!Number.isSafeInteger(timestampWindowMs) || timestampWindowMs < 1000) throw new KefuError('invalid_config', 'timestampWindowMs must be an integer ≥ 1000');
  // A timestamp up to a window ahead is fresh until a window after it: the dedupe must remember
  // a delivery that long, or a replay inside the window is answered twice.
  if (deps.dedupe.retentionMs !== undefined && deps.dedupe.retentionMs < 2 * timestampWindowMs) {
    throw new KefuError('invalid_config', `the WeCom dedupe retention (${deps.dedupe.retentionMs} ms) must be at least twice the timestamp window (${timestampWindowMs} ms)`);
  }
  const render = deps.render ?? ((r: ChatReply) => r.reply);
  const sessionSecret = deps.sessionSecret ?? randomBytes(32).toString('hex');
  const texts: WecomTexts = {
    greeting: '您好，我是智能客服，请问有什么可以帮您？',
    textOnly: '抱歉，我目前只能处理文字消息，请用文字描述您的问题。',
    tooLong: `您的消息太长了，请精简到 ${maxMessageChars} 字以内再发送。`,
    failed: '抱歉，系统暂时无法回复，请稍后再试。',
    ...deps.texts,
  };
  const pictureTexts: WecomPictureTexts = Object.assign({}, WECOM_PICTURE_TEXTS, deps.pictureTexts);
  const voiceTexts: WecomVoiceTexts = Object.assign({}, WECOM_VOICE_TEXTS, deps.voiceTexts);
  return { replyWindowMs, maxMessageChars, maxBodyBytes, now, timestampWindowMs, render, sessionSecret, texts, pictureTexts, voiceTexts };
}

/** The reply text for a message, '' for none. Never throws: failures become `texts.failed`. */
function createAnswerer(deps: WecomRoutesDeps, settings: ReturnType<typeof wecomSettings>): (m: WecomMessage) => Promise<string> {
  const { crypto, pipeline, logger } = deps;
  const { texts, pictureTexts, voiceTexts, maxMessageChars, sessionSecret, render } = settings;
  return async function answer(m: WecomMessage): Promise<string> {
    if (m.msgType === 'event') return ENTRY_EVENTS.has(m.event) ? texts.greeting : '';
    if (m.msgType === 'other') return texts.textOnly;
    let message: string;
    let attachments: TurnAttachment[] | undefined;
    if (m.msgType === 'image') {
      // Read when the server reads pictures and can fetch them (the app Secret is set).
      if (deps.media === undefined || deps.attachments?.image === undefined) return texts.textOnly;
      const turn = await wecomPictureTurn(m.mediaId, { media: deps.media, readers: deps.attachments, maxBytes: deps.maxImageBytes ?? 8 * 1024 * 1024, texts: pictureTexts, logger });
      if ('refusal' in turn) return turn.refusal;
      ({ message, attachments } = turn);
    } else if (m.msgType === 'voice') {
      const turn = await wecomVoiceTurn(m, { media: deps.media, readers: deps.attachments, maxBytes: deps.maxAudioBytes ?? 4 * 1024 * 1024, texts: voiceTexts, logger });
      if ('refusal' in turn) return turn.refusal;
      ({ message, attachments } = turn);
    } else {
      message = m.content.trim();
    }
    if (message.length === 0) return '';
    if (message.length > maxMessageChars && codePointLength(message) > maxMessageChars) return texts.tooLong;
    try {
      const reply = await pipeline.run({
        message,
        ...(attachments === undefined ? {} : { attachments }),
        channel: 'wecom',
        sessionId: wecomSessionId(sessionSecret, crypto.corpId, m.fromUserName),
        createSession: true,
        // WeCom signed the callback and names the member: that is the proof, not a token.
        access: { trusted: true },
        userId: m.fromUserName,
        ...(deps.tenant === undefined ? {} : { tenant: deps.tenant }),
      });
      return render(reply);
    } catch (err) {
      logger.error({ err, msgId: m.msgId }, 'wecom: the pipeline failed on a message');
      return texts.failed;
    }
  };
}

/** The passive answer to the callback: the reply as encrypted, signed XML. */
function passiveReply(crypto: WecomRoutesDeps['crypto'], nowMs: number, m: WecomMessage, text: string): string {
  const timestamp = String(Math.floor(nowMs / 1000));
  const nonce = String(randomInt(100_000_000, 10_000_000_000));
  const plain = buildWecomTextReply({ toUser: m.fromUserName, fromUser: m.toUserName, createTime: Number(timestamp), content: text });
  const encrypt = crypto.encrypt(plain);
  return buildWecomEncryptedReply({ encrypt, signature: crypto.signature(timestamp, nonce, encrypt), timestamp, nonce });
}

/**
 * A reply within WeCom's wait is the passive answer; a later one (or one too long for a single
 * message) goes out through the active API, so the customer gets it either way.
 */
function createWindowedReplier(o: {
  answer: (m: WecomMessage) => Promise<string>;
  client: WecomRoutesDeps['client'];
  logger: WecomRoutesDeps['logger'];
  replyWindowMs: number;
  inFlight: Map<string, () => void>;
}): (m: WecomMessage, key: string) => Promise<string | null> {
  const { answer, client, logger, replyWindowMs, inFlight } = o;
  function sendLater(m: WecomMessage, key: string, text: string): void {
    if (text.length === 0) return;
    Promise.resolve().then(() => client.sendText(m.fromUserName, text, key)).catch((err: unknown) => {
      logger.error({ err, msgId: m.msgId }, 'wecom: sending a late reply failed');
    });
  }

  /** Resolves with the reply text when it is ready in time, or null once it will be sent actively. */
  function replyInWindow(m: WecomMessage, key: string): Promise<string | null> {
    return new Promise((resolve) => {
      let late = false;
      const goLate = () => {
        late = true;
        clearTimeout(timer);
        resolve(null);
      };
      const timer = setTimeout(goLate, replyWindowMs);
      inFlight.set(key, goLate);
      void answer(m).then((text) => {
        inFlight.delete(key);
        clearTimeout(timer);
        // Too long for one passive reply: the client splits it into several messages.
        if (late || Buffer.byteLength(text, 'utf8') > WECOM_TEXT_MAX_BYTES) {
          late = true;
          resolve(null);
          sendLater(m, key, text);
        } else {
          resolve(text);
        }
      });
    });
  }

  return replyInWindow;
}

/**
 * The WeCom callback. GET is URL verification: the decrypted echostr goes back as plain text.
 * POST is a message: verified, decrypted, answered once per MsgId. A reply ready within
 * `replyWindowMs` is the passive (encrypted) answer to the callback; a later one is `success`
 * now and an active message through `client` when it is ready.
 */
export function wecomRoutes(deps: WecomRoutesDeps): Hono {
  const { crypto, client, dedupe, logger } = deps;
  const settings = wecomSettings(deps);
  const { replyWindowMs, maxBodyBytes, now, timestampWindowMs } = settings;
  /** Deliveries being answered in this process; a call moves its reply to the active API. */
  const inFlight = new Map<string, () => void>();
  const replyInWindow = createWindowedReplier({ answer: createAnswerer(deps, settings), client, logger, replyWindowMs, inFlight });
  const app = new Hono();

  app.use(
    WECOM_CALLBACK_PATH,
    bodyLimit({
      maxSize: maxBodyBytes,
      onError: () => {
        throw new KefuError('payload_too_large', `Request body exceeds ${maxBodyBytes} bytes`, { status: 413 });
      },
    }),
  );

  /** After the signature: a correctly signed but old (or future) callback is a replay. */
  function checkFresh(q: { timestamp: string; nonce: string }): void {
    const skewMs = Math.abs(now() - Number(q.timestamp) * 1000);
    if (skewMs <= timestampWindowMs) return;
    logger.warn({ timestamp: q.timestamp, nonce: q.nonce, skewS: Math.round(skewMs / 1000), code: 'wecom_stale_timestamp' }, 'wecom: signed callback outside the timestamp window refused (replay or clock skew)');
    throw stale(timestampWindowMs);
  }

  app.get(WECOM_CALLBACK_PATH, (c) => {
    const q = signedQuery(c);
    // A `+` that came unescaped reads as a space; base64 has no spaces, so it was a `+`.
    const echostr = (c.req.query('echostr') ?? '').replaceAll(' ', '+');
    if (echostr.length === 0 || echostr.length > 4096) throw badRequest('echostr is missing or too long');
    if (!crypto.verify(q.signature, q.timestamp, q.nonce, echostr)) throw forbidden();
    checkFresh(q);
    return c.text(crypto.decrypt(echostr).message);
  });

  app.post(WECOM_CALLBACK_PATH, async (c) => {
    const q = signedQuery(c);
    const envelope = parseWecomEnvelope(await c.req.text());
    if (!crypto.verify(q.signature, q.timestamp, q.nonce, envelope.encrypt)) throw forbidden();
    checkFresh(q);
    const message = parseWecomMessage(crypto.decrypt(envelope.encrypt).message);
    const key = deliveryKey(message);

    const running = inFlight.get(key);
    if (running !== undefined) {
      // WeCom redelivers only after it stopped waiting for the first answer: that answer would be
      // lost, so the first delivery's reply goes out actively when it is ready.
      running();
      logger.info({ msgId: message.msgId }, 'wecom: redelivery of a message still being answered');
      return c.text('success');
    }
    const claimed = dedupe.firstTime(key);
    if (!(typeof claimed === 'boolean' ? claimed : await claimed)) {
      // While a shared dedupe answered, the first delivery may have started here: it goes out actively.
      inFlight.get(key)?.();
      logger.info({ msgId: message.msgId }, 'wecom: duplicate delivery ignored');
      return c.text('success');
    }
    const text = await replyInWindow(message, key);
    if (text === null || text.length === 0) return c.text('success');
    return c.body(passiveReply(crypto, now(), message, text), 200, { 'content-type': 'application/xml; charset=utf-8' });
  });

  return app;
}
