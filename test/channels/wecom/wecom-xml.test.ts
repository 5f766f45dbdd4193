import { XMLParser } from 'fast-xml-parser';
import { describe, expect, it } from 'vitest';
import { isKefuError } from '../../../src/errors.ts';
import { buildWecomEncryptedReply, buildWecomTextReply, cdata, parseWecomEnvelope, parseWecomMessage } from '../../../src/channels/wecom/wecom-xml.ts';
import { MESSAGE, MESSAGE_BODY } from './wecom-vectors.ts';

const code = (f: () => unknown): string => {
  try {
    f();
  } catch (e) {
    if (isKefuError(e)) return `${e.status} ${e.code}`;
    throw e;
  }
  return 'accepted';
};

const message = (fields: string) => `<xml><ToUserName><![CDATA[wwcorp]]></ToUserName><FromUserName><![CDATA[zhangsan]]></FromUserName><CreateTime>1700000000</CreateTime>${fields}<AgentID>1000002</AgentID></xml>`;

describe('WeCom XML', () => {
  it('reads the encrypted envelope WeCom POSTs', () => {
    expect(parseWecomEnvelope(MESSAGE_BODY)).toEqual({ toUserName: 'wx5823bf96d3bd56c7', agentId: '218', encrypt: MESSAGE.encrypt });
    expect(code(() => parseWecomEnvelope('<xml><ToUserName>x</ToUserName></xml>'))).toBe('400 wecom_bad_message');
    expect(code(() => parseWecomEnvelope('<xml><Encrypt>abc</Encrypt>'))).toBe('400 wecom_bad_message');
    expect(code(() => parseWecomEnvelope('<root><Encrypt>abc</Encrypt></root>'))).toBe('400 wecom_bad_message');
    expect(code(() => parseWecomEnvelope('not xml at all'))).toBe('400 wecom_bad_message');
  });

  it('reads text messages with their content exactly, and MsgId as the 64-bit decimal it is', () => {
    const m = parseWecomMessage(message('<MsgType><![CDATA[text]]></MsgType><Content><![CDATA[  我的订单 <b>&amp; ]]]]><![CDATA[> 到哪了 ]]></Content><MsgId>4561255354251345929</MsgId>'));
    expect(m).toEqual({
      msgType: 'text',
      toUserName: 'wwcorp',
      fromUserName: 'zhangsan',
      createTime: 1700000000,
      agentId: '1000002',
      msgId: '4561255354251345929',
      content: '  我的订单 <b>&amp; ]]> 到哪了 ',
    });
    expect(code(() => parseWecomMessage(message('<MsgType>text</MsgType><Content>x</Content><MsgId>12a</MsgId>')))).toBe('400 wecom_bad_message');
    expect(code(() => parseWecomMessage('<xml><MsgType>text</MsgType><Content>x</Content></xml>'))).toBe('400 wecom_bad_message');
  });

  it('reads events and tells other message types apart', () => {
    expect(parseWecomMessage(message('<MsgType><![CDATA[event]]></MsgType><Event><![CDATA[enter_agent]]></Event><EventKey><![CDATA[]]></EventKey>'))).toMatchObject({ msgType: 'event', event: 'enter_agent', eventKey: null, msgId: null });
    expect(parseWecomMessage(message('<MsgType><![CDATA[image]]></MsgType><PicUrl><![CDATA[http://x/y.jpg]]></PicUrl><MediaId>m</MediaId><MsgId>1</MsgId>'))).toMatchObject({ msgType: 'image', mediaId: 'm', picUrl: 'http://x/y.jpg', msgId: '1' });
    expect(code(() => parseWecomMessage(message('<MsgType><![CDATA[image]]></MsgType><MsgId>1</MsgId>')))).toBe('400 wecom_bad_message');
    expect(parseWecomMessage(message('<MsgType><![CDATA[location]]></MsgType><Location_X>23.1</Location_X><MsgId>2</MsgId>'))).toMatchObject({ msgType: 'other', rawType: 'location', msgId: '2' });
  });

  it('refuses DOCTYPE and entity declarations (no XXE, no entity expansion)', () => {
    const xxe = `<?xml version="1.0"?><!DOCTYPE xml [<!ENTITY xxe SYSTEM "file:///etc/passwd">]><xml><ToUserName>a</ToUserName><Encrypt>&xxe;</Encrypt></xml>`;
    const bomb = `<!DOCTYPE xml [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">]><xml><Encrypt>&b;</Encrypt></xml>`;
    const lower = `<!doctype xml><xml><Encrypt>abc</Encrypt></xml>`;
    for (const xml of [xxe, bomb, lower]) {
      expect(code(() => parseWecomEnvelope(xml))).toBe('400 wecom_bad_message');
      expect(code(() => parseWecomMessage(xml))).toBe('400 wecom_bad_message');
    }
  });

  it('builds CDATA that survives ]]> and drops characters XML cannot carry', () => {
    const text = 'a]]>b]]]]>c\u0001d\uD800e🙂';
    const xml = `<xml><Content>${cdata(text)}</Content></xml>`;
    const parsed = new XMLParser({ parseTagValue: false, trimValues: false }).parse(xml) as { xml: { Content: string } };
    expect(parsed.xml.Content).toBe('a]]>b]]]]>cde🙂');
  });

  it('builds the passive text reply and the encrypted envelope in WeCom\'s format', () => {
    const plain = buildWecomTextReply({ toUser: 'zhangsan', fromUser: 'wwcorp', createTime: 1700000001, content: '您好 ]]> ok' });
    expect(plain).toBe('<xml><ToUserName><![CDATA[zhangsan]]></ToUserName><FromUserName><![CDATA[wwcorp]]></FromUserName><CreateTime>1700000001</CreateTime><MsgType><![CDATA[text]]></MsgType><Content><![CDATA[您好 ]]]]><![CDATA[> ok]]></Content></xml>');
    expect(parseWecomMessage(plain)).toMatchObject({ msgType: 'text', content: '您好 ]]> ok', fromUserName: 'wwcorp' });
    expect(buildWecomEncryptedReply({ encrypt: 'ABC=', signature: 'f'.repeat(40), timestamp: '1700000001', nonce: '12345' })).toBe(
      `<xml><Encrypt><![CDATA[ABC=]]></Encrypt><MsgSignature><![CDATA[${'f'.repeat(40)}]]></MsgSignature><TimeStamp>1700000001</TimeStamp><Nonce><![CDATA[12345]]></Nonce></xml>`,
    );
  });
});
