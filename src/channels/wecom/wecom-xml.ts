import { XMLParser, XMLValidator } from 'fast-xml-parser';
import { KefuError } from '../../errors.ts';

/** The body WeCom POSTs to the callback: only `Encrypt` is signed and carries the message. */
export interface WecomEnvelope {
  toUserName: string | null;
  agentId: string | null;
  encrypt: string;
}

interface MessageBase {
  /** The CorpID. */
  toUserName: string;
  /** The member's UserID. */
  fromUserName: string;
  /** Seconds since the epoch. */
  createTime: number;
  agentId: string | null;
  /** 64-bit: kept as the decimal string WeCom sent. Events have none. */
  msgId: string | null;
}

export type WecomMessage =
  | (MessageBase & { msgType: 'text'; content: string })
  /** A picture: fetched by MediaId through the media API (PicUrl is WeCom's CDN and is not fetched). */
  | (MessageBase & { msgType: 'image'; mediaId: string; picUrl: string | null })
  /** A voice message (AMR): `Recognition` is WeCom's own transcript when the app has it switched on. */
  | (MessageBase & { msgType: 'voice'; mediaId: string; format: string | null; recognition: string | null })
  | (MessageBase & { msgType: 'event'; event: string; eventKey: string | null })
  | (MessageBase & { msgType: 'other'; rawType: string });

const badMessage = (why: string): KefuError => new KefuError('wecom_bad_message', `WeCom message rejected: ${why}`, { status: 400 });

const parser = new XMLParser({
  ignoreAttributes: true,
  // Strings stay strings: MsgId is a 64-bit integer and would lose digits as a number.
  parseTagValue: false,
  parseAttributeValue: false,
  // Content is the customer's text: keep its spaces; the fields read below are trimmed one by one.
  trimValues: false,
  // Only the five predefined XML entities; a DOCTYPE (the only way to declare others) is refused before parsing.
  processEntities: true,
  htmlEntities: false,
  ignoreDeclaration: true,
  ignorePiTags: true,
  maxNestedTags: 8,
});

const DOCTYPE = /<!(?:DOCTYPE|ENTITY)/i;

/** The `<xml>` root as a flat record of the child elements that are text. */
function parseRoot(xml: string): Record<string, string> {
  if (DOCTYPE.test(xml)) throw badMessage('DOCTYPE and entity declarations are not accepted');
  const valid = XMLValidator.validate(xml);
  if (valid !== true) throw badMessage(`malformed XML (${valid.err.msg})`);
  let doc: unknown;
  try {
    doc = parser.parse(xml);
  } catch (cause) {
    throw new KefuError('wecom_bad_message', 'WeCom message rejected: malformed XML', { status: 400, cause });
  }
  const root = typeof doc === 'object' && doc !== null ? (doc as Record<string, unknown>)['xml'] : undefined;
  if (typeof root !== 'object' || root === null || Array.isArray(root)) throw badMessage('the root element must be <xml>');
  const fields: Record<string, string> = {};
  for (const [name, value] of Object.entries(root)) if (typeof value === 'string') fields[name] = value;
  return fields;
}

const trimmed = (fields: Record<string, string>, name: string): string | null => {
  const v = fields[name]?.trim();
  return v === undefined || v.length === 0 ? null : v;
};

const required = (fields: Record<string, string>, name: string): string => {
  const v = trimmed(fields, name);
  if (v === null) throw badMessage(`<${name}> is missing`);
  return v;
};

export function parseWecomEnvelope(xml: string): WecomEnvelope {
  const fields = parseRoot(xml);
  return { toUserName: trimmed(fields, 'ToUserName'), agentId: trimmed(fields, 'AgentID'), encrypt: required(fields, 'Encrypt') };
}

export function parseWecomMessage(xml: string): WecomMessage {
  const fields = parseRoot(xml);
  const createTime = Number(required(fields, 'CreateTime'));
  if (!Number.isSafeInteger(createTime) || createTime < 0) throw badMessage('<CreateTime> is not a timestamp');
  const msgId = trimmed(fields, 'MsgId');
  if (msgId !== null && !/^\d{1,20}$/.test(msgId)) throw badMessage('<MsgId> is not a number');
  const base: MessageBase = {
    toUserName: required(fields, 'ToUserName'),
    fromUserName: required(fields, 'FromUserName'),
    createTime,
    agentId: trimmed(fields, 'AgentID'),
    msgId,
  };
  const msgType = required(fields, 'MsgType');
  if (msgType === 'text') return Object.assign({}, base, { msgType: 'text' as const, content: fields['Content'] ?? '' });
  if (msgType === 'event') return Object.assign({}, base, { msgType: 'event' as const, event: required(fields, 'Event'), eventKey: trimmed(fields, 'EventKey') });
  if (msgType === 'image') return Object.assign({}, base, { msgType: 'image' as const, mediaId: required(fields, 'MediaId'), picUrl: trimmed(fields, 'PicUrl') });
  if (msgType === 'voice') return Object.assign({}, base, { msgType: 'voice' as const, mediaId: required(fields, 'MediaId'), format: trimmed(fields, 'Format'), recognition: trimmed(fields, 'Recognition') });
  return Object.assign({}, base, { msgType: 'other' as const, rawType: msgType });
}

/** Characters XML 1.0 cannot carry at all, even in CDATA. */
const NOT_XML = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;

/** Any text as CDATA: `]]>` is split across two sections, characters XML forbids are dropped. */
export function cdata(text: string): string {
  return `<![CDATA[${text.replace(NOT_XML, '').replaceAll(']]>', ']]]]><![CDATA[>')}]]>`;
}

/** The plaintext of a passive text reply, before encryption. */
export function buildWecomTextReply(r: { toUser: string; fromUser: string; createTime: number; content: string }): string {
  return `<xml><ToUserName>${cdata(r.toUser)}</ToUserName><FromUserName>${cdata(r.fromUser)}</FromUserName><CreateTime>${Math.floor(r.createTime)}</CreateTime><MsgType><![CDATA[text]]></MsgType><Content>${cdata(r.content)}</Content></xml>`;
}

/** The encrypted passive reply, the format WXBizMsgCrypt's EncryptMsg produces. */
export function buildWecomEncryptedReply(r: { encrypt: string; signature: string; timestamp: string; nonce: string }): string {
  if (!/^\d+$/.test(r.timestamp)) throw new KefuError('invalid_argument', 'timestamp must be decimal digits');
  return `<xml><Encrypt>${cdata(r.encrypt)}</Encrypt><MsgSignature>${cdata(r.signature)}</MsgSignature><TimeStamp>${r.timestamp}</TimeStamp><Nonce>${cdata(r.nonce)}</Nonce></xml>`;
}
