import { describe, expect, it } from 'vitest';
import { isQuestion, parseConfirmation } from '../../src/dialogue/confirmation.ts';
import { shownRecipient } from '../../src/dialogue/flows/address-change-flow.ts';
import { looksLikeAddress, parseAddressParts } from '../../src/dialogue/flows/address-parts.ts';
import { parseReturnType } from '../../src/dialogue/flows/return-flow.ts';
import { classifyReason } from '../../src/dialogue/flows/return-reasons.ts';

describe('return reasons', () => {
  it.each([
    ['噪音太大', '质量问题'],
    ['声音特别大,晚上吵得睡不着', '质量问题'],
    ['用了两天就开不了机', '质量问题'],
    ['it is way too loud', '质量问题'],
    ['码数买大了', '尺寸/规格不合适'],
    ['鞋子偏小,挤脚', '尺寸/规格不合适'],
    ['too small for me', '尺寸/规格不合适'],
    ['屏幕裂了', '商品破损'],
    ['包装破了,东西也磕坏了', '商品破损'],
    ['屏幕坏了', '质量问题'],
    ['发错颜色了', '发错货'],
    ['买多了', '不想要了'],
    ['I ordered the wrong size', '尺寸/规格不合适'],
    ['送来就是碎的', '商品破损'],
    ['发给我的型号不对', '发错货'],
    ['got a different item than I ordered', '发错货'],
    ['颜色和图片差太多', '与描述不符'],
    ['you sent me the wrong colour', '发错货'],
  ])('"%s" is %s', (text, zh) => {
    expect(classifyReason(text)?.zh).toBe(zh);
  });
  it.each(['确认', '好的', 'ok', '今天天气不错'])('"%s" names no reason', (text) => {
    expect(classifyReason(text)).toBeNull();
  });
});

describe('refund or exchange', () => {
  it.each([
    ['I need a replacement bracket', 'exchange'],
    ['can you replace it', 'exchange'],
    ['the replacement filter one', null],
    ['退钱吧', 'refund'],
    ['钱退给我就行', 'refund'],
    ['鞋子码数不对想换小一码', 'exchange'],
  ] as const)('"%s" → %s', (text, type) => {
    expect(parseReturnType(text)).toBe(type);
  });
});

describe('questions at a confirmation are neither yes nor no', () => {
  it.each(['取消了钱多久能退回来?', '取消以后钱原路退吗?!', '好的,多久到账?', 'how long will the refund take?', 'ok, how long will it take', 'yes, when will it arrive', '确认吗'])('"%s"', (text) => {
    expect(isQuestion(text)).toBe(true);
    expect(parseConfirmation(text)).toBeNull();
  });
  it.each(['确认', '好的', '不取消了', 'yes go ahead'])('"%s" is still an answer', (text) => {
    expect(parseConfirmation(text)).not.toBeNull();
  });
});

describe('addresses', () => {
  it.each([
    '221B Baker Street, London NW1 6XE',
    'Flat 3, 12 High Street, Manchester M1 1AE',
    '1600 Amphitheatre Parkway, Mountain View, CA 94043',
    '350 Fifth Avenue, New York, NY 10118',
    'Hauptstraße 5, 10115 Berlin',
    '12 rue de Rivoli, 75001 Paris',
    'Via Roma 10, 00184 Roma',
    '上海市徐汇区漕溪北路 398 号 12 楼',
    '杭州市西湖区文三路199号',
    '[ADDRESS_1]',
  ])('"%s" is an address', (text) => {
    expect(looksLikeAddress(text)).toBe(true);
    expect(parseAddressParts(text)?.address).toBe(text);
  });
  it.each(['好的', '确认', '怎么改地址?', 'yes please', 'London', '北京'])('"%s" is not', (text) => {
    expect(parseAddressParts(text)).toBeNull();
  });
  it.each([
    ['张三 [PHONE_1] [ADDRESS_1]', { address: '[ADDRESS_1]', recipientName: '张三', recipientPhone: '[PHONE_1]' }],
    ['收货人[NAME_1],电话[PHONE_1],地址[ADDRESS_1]', { address: '[ADDRESS_1]', recipientName: '[NAME_1]', recipientPhone: '[PHONE_1]' }],
    ['寄给李四,13912345678,杭州市西湖区文三路199号', { address: '杭州市西湖区文三路199号', recipientName: '李四', recipientPhone: '13912345678' }],
    ['send to [NAME_1], +44 20 7946 0958, 221B Baker Street, London NW1 6XE', { address: '221B Baker Street, London NW1 6XE', recipientName: '[NAME_1]', recipientPhone: '+44 20 7946 0958' }],
    ['改成 13800001234 北京市朝阳区建国路88号', { address: '北京市朝阳区建国路88号', recipientPhone: '13800001234' }],
    ['不是这个地址,是[ADDRESS_2]', { address: '[ADDRESS_2]' }],
    ['[ADDRESS_1] 10118', { address: '[ADDRESS_1] 10118' }],
    ['不对,应该是上海市徐汇区漕溪北路398号', { address: '上海市徐汇区漕溪北路398号' }],
    ['寄到长沙市岳麓区香港中路 644 号吧', { address: '长沙市岳麓区香港中路 644 号' }],
    ['武汉市洪山区珞喻路 947 号 东区 12 栋 305,急', { address: '武汉市洪山区珞喻路 947 号 东区 12 栋 305' }],
    ['寄到南京市鼓楼区星湖街 479 号 3 号楼 1202 陈静 13272996359吧', { address: '南京市鼓楼区星湖街 479 号 3 号楼 1202', recipientName: '陈静', recipientPhone: '13272996359' }],
    ['Unit 5, [ADDRESS_1] West, Melbourne VIC 3000, Australia thanks', { address: 'Unit 5, [ADDRESS_1] West, Melbourne VIC 3000, Australia' }],
    ['hi,我跟你说,昨天才收到,这单的地址要换,寄到青岛市市南区科华北路 760 号 3 号楼 1202吧~', { address: '青岛市市南区科华北路 760 号 3 号楼 1202' }],
    ['hi, wrong address on my order, can you fix it. new address: Apt 804, 279 Queen Street, Melbourne VIC 3000, Australia', { address: 'Apt 804, 279 Queen Street, Melbourne VIC 3000, Australia' }],
    ['ship it to Flat 12B, 375 Orchard Road, Auckland 1010, New Zealand instead', { address: 'Flat 12B, 375 Orchard Road, Auckland 1010, New Zealand' }],
    // Chatter with an order number before the pseudonym is not part of the address (it once was, whole).
    ['hi, wrong address on order KF20261124001, can you fix it. 135 [ADDRESS_1]', { address: '135 [ADDRESS_1]' }],
    ['我的订单KF20261124001地址写错了 [ADDRESS_1]', { address: '[ADDRESS_1]' }],
    ['Apt. 3, [ADDRESS_1] thanks', { address: 'Apt. 3, [ADDRESS_1]' }],
    ['3号楼2单元 [ADDRESS_1]', { address: '3号楼2单元 [ADDRESS_1]' }],
  ])('"%s" splits into address and recipient', (text, parts) => {
    expect(parseAddressParts(text)).toEqual(parts);
  });
  // A `[…]+$` trim once took 9 s on the second of these (a run of separators inside the text).
  it.each([`${', '.repeat(20_000)}221B Baker Street`, `x${',，'.repeat(25_000)}x`, `1 Baker Street${'!。'.repeat(25_000)}x`, `x${' '.repeat(50_000)}x`, `${'1, '.repeat(20_000)}[ADDRESS_1]`, `${'Apt. 3. '.repeat(8_000)}[ADDRESS_1]`])('long runs are parsed in linear time (%#)', (text) => {
    const started = performance.now();
    parseAddressParts(text);
    parseConfirmation(text);
    classifyReason(text);
    expect(performance.now() - started).toBeLessThan(500);
  });
  it.each([['张三', '张*'], ['Jane Doe', 'J*** D**'], ['13800001234', '138****1234'], ['[NAME_1]', '[NAME_1]']])('a recipient value in replies: %s → %s', (value, shown) => {
    expect(shownRecipient(value)).toBe(shown);
  });
});
