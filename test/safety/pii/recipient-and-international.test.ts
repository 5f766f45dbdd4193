import { describe, expect, it } from 'vitest';
import { createPiiEngine } from '../../../src/safety/pii/create-pii-engine.ts';

/**
 * Issue 12, item 7 and "Why" point 8: international addresses and phones, a recipient's name
 * written just before a phone without a label, and place names that are not people.
 */
const engine = createPiiEngine();
const found = (text: string) => engine.analyze(text).map((e) => `${e.type}:${e.text}`);
const masked = (text: string) => engine.mask(text).text;

describe('international street addresses, postcode included', () => {
  it('a UK address with a house number like 221B and its postcode', () => {
    expect(found('221B Baker Street, London NW1 6XE')).toEqual(['address:221B Baker Street, London NW1 6XE']);
    expect(masked('please send it to 221B Baker Street, London NW1 6XE thanks')).toBe('please send it to [地址] thanks');
  });
  it('a US address with state and ZIP, and street types such as Parkway', () => {
    expect(found('1600 Amphitheatre Parkway, Mountain View, CA 94043')).toEqual(['address:1600 Amphitheatre Parkway, Mountain View, CA 94043']);
    expect(found('ship to 350 Fifth Avenue, New York, NY 10118-0110 asap')).toEqual(['address:350 Fifth Avenue, New York, NY 10118-0110']);
    expect(found('my new address is 12 Collins Place, Melbourne VIC 3000, Australia')).toEqual(['address:12 Collins Place, Melbourne VIC 3000, Australia']);
    expect(found('163 Harbour Road, Singapore 238826!')).toEqual(['address:163 Harbour Road, Singapore 238826']);
    expect(found('Flat 12B, 229 Nathan Road, Toronto ON M5V 1J5, Canada')).toEqual(['address:Flat 12B, 229 Nathan Road, Toronto ON M5V 1J5, Canada']);
  });
  it('still ignores a number before capitalised words that are no street', () => {
    expect(found('I ordered 2 Blue Shirts and 1 Red Hat')).toEqual([]);
    expect(found('Order 3 Large Boxes, London NW1 office')).toEqual([]);
  });
});

describe('international phone numbers', () => {
  it('a + country code and grouped digits, with or without parentheses', () => {
    expect(found('call me on +44 20 7946 0958')).toEqual(['phone:+44 20 7946 0958']);
    expect(found('my number is +1 (415) 555-0132.')).toEqual(['phone:+1 (415) 555-0132']);
    expect(found('WhatsApp +6591234567 please')).toEqual(['phone:+6591234567']);
    expect(found('+81-3-1234-5678')).toEqual(['phone:+81-3-1234-5678']);
  });
  it('leaves too short or too long runs, and +86 mobiles to the mainland recognizer', () => {
    expect(found('score +12 34')).toEqual([]);
    expect(found('+1 2345 6789 0123 4567 890')).toEqual([]);
    expect(found('电话 +86 138 1234 5678')).toEqual(['phone:+86 138 1234 5678']);
  });
  it('an order-number cue pushes a +digits run below the threshold', () => {
    expect(found('订单号 +4420794609580')).toEqual([]);
  });
});

describe('a Chinese name just before a phone number, without a label', () => {
  it('the name alone, not the verb before it', () => {
    expect(found('张三 13800001234 北京市朝阳区建国路88号')).toEqual(['person_name:张三', 'phone:13800001234', 'address:北京市朝阳区建国路88号']);
    expect(found('寄给李四,13912345678,杭州市西湖区文三路199号')).toEqual(['person_name:李四', 'phone:13912345678', 'address:杭州市西湖区文三路199号']);
    expect(found('改成王小明 电话13800001234')).toEqual(['person_name:王小明', 'phone:13800001234']);
    expect(found('收件人王小明 电话13800001234')).toEqual(['person_name:王小明', 'phone:13800001234']);
    expect(found('欧阳娜娜，手机：+44 20 7946 0958')).toEqual(['person_name:欧阳娜娜', 'phone:+44 20 7946 0958']);
  });
  it('no name where the words before the phone are not one', () => {
    expect(found('我的电话 13800001234')).toEqual(['phone:13800001234']);
    expect(found('请拨打13800001234')).toEqual(['phone:13800001234']);
    expect(found('联系方式：13800001234')).toEqual(['phone:13800001234']);
    expect(found('手机号码是13800001234')).toEqual(['phone:13800001234']);
    expect(found('方便的话打13800001234')).toEqual(['phone:13800001234']);
    expect(found('高兴 13800001234')).toEqual(['phone:13800001234']);
    expect(found('常州 13800001234')).toEqual(['phone:13800001234']);
    expect(found('王先生 13800001234')).toEqual(['phone:13800001234']);
  });
  it('two capitalised words just before an international number, not labels or places', () => {
    expect(found('Jane Doe, +44 20 7946 0958')).toEqual(['person_name:Jane Doe', 'phone:+44 20 7946 0958']);
    expect(found('Recipient Jane Doe, Phone: +44 7700 900123')).toEqual(['person_name:Jane Doe', 'phone:+44 7700 900123']);
    expect(found('Head Office: +44 20 7946 0958')).toEqual(['phone:+44 20 7946 0958']);
    expect(found('Baker Street, +44 20 7946 0958')).toEqual(['phone:+44 20 7946 0958']);
    expect(found('New York, +1 212 555 0100')).toEqual(['phone:+1 212 555 0100']);
    expect(found('Customer Service +1 800 555 0100')).toEqual(['phone:+1 800 555 0100']);
  });
  it('a name far from the phone is not taken', () => {
    expect(found('张伟说了好多次，13800001234')).toEqual(['phone:13800001234']);
  });
});

describe('place names are not person names', () => {
  it('after ship to / deliver to / send it to / this is / I am', () => {
    for (const text of ['ship to Hong Kong please', 'Can you ship to Hong Kong?', 'send it to New York', 'deliver to Los Angeles', 'do you deliver to San Francisco',
      'This is Hong Kong calling', "I'm New York based", 'ship to Hong Kong Island', 'send it to New York City', 'ship to Kowloon Bay', 'deliver to South Korea', 'ship this to United Kingdom']) {
      expect(found(text), text).toEqual([]);
    }
  });
  it('a Chinese city after 我是 is not a name', () => {
    expect(found('我是常州，要买两件')).toEqual([]);
    expect(found('我是马鞍山，想问运费')).toEqual([]);
    expect(found('我是黄山，想问运费')).toEqual([]);
  });
  it('real names after the same cues are still found', () => {
    expect(found('ship to Jane Doe')).toEqual(['person_name:Jane Doe']);
    expect(found('This is Georgia Smith, I called yesterday')).toEqual(['person_name:Georgia Smith']);
    expect(found('我是杨帆，昨天聊过')).toEqual(['person_name:杨帆']);
    expect(found('My name is Sydney Chen')).toEqual(['person_name:Sydney Chen']);
  });
});
