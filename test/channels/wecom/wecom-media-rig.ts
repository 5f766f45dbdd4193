import { XMLParser } from 'fast-xml-parser';
import { expect } from 'vitest';
import { createWecomCrypto } from '../../../src/channels/wecom/wecom-crypto.ts';
import { parseWecomMessage } from '../../../src/channels/wecom/wecom-xml.ts';
import type { FakeWecomApi } from './fake-wecom-api.ts';

/** The WeCom app the media tests (pictures, voice) configure Kefu with. */
export const MEDIA_CORP = { token: 'kefuToken42', corpId: 'ww0123456789abcdef', encodingAesKey: 'abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG', secret: 'app-secret-1', agentId: '1000002' };
const crypto = createWecomCrypto(MEDIA_CORP);

/**
 * Posts encrypted messages to a Kefu server's callback as WeCom does; each resolves with the reply
 * text, passive (in the callback's answer) or active (sent through the fake API when reading the
 * media takes longer than WeCom's window).
 */
export function wecomSender(target: () => { url: string; api: FakeWecomApi }, options: { firstMsgId: number; activeReplyTimeoutMs: number }) {
  let msgId = options.firstMsgId;
  return async function send(inner: string, from: string): Promise<string> {
    const { url, api } = target();
    const id = ++msgId;
    const xml = `<xml><ToUserName><![CDATA[${MEDIA_CORP.corpId}]]></ToUserName><FromUserName><![CDATA[${from}]]></FromUserName><CreateTime>${Math.floor(Date.now() / 1000)}</CreateTime>${inner}<MsgId>${id}</MsgId><AgentID>${MEDIA_CORP.agentId}</AgentID></xml>`;
    const encrypt = crypto.encrypt(xml);
    const [timestamp, nonce] = [String(Math.floor(Date.now() / 1000)), String(id)];
    const sentBefore = api.sent.length;
    const res = await fetch(`${url}/channels/wecom/callback?msg_signature=${crypto.signature(timestamp, nonce, encrypt)}&timestamp=${timestamp}&nonce=${nonce}`, {
      method: 'POST',
      headers: { 'content-type': 'text/xml' },
      body: `<xml><ToUserName><![CDATA[${MEDIA_CORP.corpId}]]></ToUserName><Encrypt><![CDATA[${encrypt}]]></Encrypt><AgentID><![CDATA[${MEDIA_CORP.agentId}]]></AgentID></xml>`,
    });
    expect(res.status).toBe(200);
    const body = await res.text();
    if (body !== 'success') {
      const doc = new XMLParser({ parseTagValue: false }).parse(body) as { xml: Record<string, string> };
      const reply = parseWecomMessage(crypto.decrypt(doc.xml['Encrypt']!).message);
      expect(reply).toMatchObject({ msgType: 'text', toUserName: from });
      return (reply as { content: string }).content;
    }
    await expect.poll(() => api.sent.length, { timeout: options.activeReplyTimeoutMs }).toBeGreaterThan(sentBefore);
    return api.sent.slice(sentBefore).map((m) => m.body.text.content).join('');
  };
}
