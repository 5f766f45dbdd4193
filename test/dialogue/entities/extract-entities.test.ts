import { describe, expect, it } from 'vitest';
import type { Entity } from '../../../src/contracts/nlu.ts';
import { extractEntities, type ExtractOptions } from '../../../src/dialogue/entities/extract-entities.ts';

const NOW = new Date('2026-11-25T02:30:00Z'); // Wednesday 2026-11-25 10:30 in Shanghai
const OPTIONS: ExtractOptions = { now: NOW, timeZone: 'Asia/Shanghai' };

function brief(text: string, options: ExtractOptions = OPTIONS): string[] {
  return extractEntities(text, options).map((e) => `${e.type}:${e.value}${e.currency ? ` ${e.currency}` : ''}`);
}

describe('extractEntities', () => {
  it('reads a whole complaint, sorted by start, with offsets into the text', () => {
    const text = '前天晚上买的空气净化器，订单号KF20261124001，付了1299元，运单号SF123456789012还没到，电话[手机号]';
    const entities = extractEntities(text, OPTIONS);
    expect(entities.map((e) => `${e.type}:${e.value}`)).toEqual([
      'date:2026-11-23', 'product:Kefu 空气净化器 P3', 'order_id:KF20261124001', 'amount:1299.00',
      'tracking_no:SF123456789012', 'phone:[手机号]',
    ]);
    for (const e of entities) expect(text.slice(e.start, e.end)).toBe(e.text);
    expect(entities[0]).toMatchObject({ text: '前天晚上', partOfDay: 'evening' });
    for (let i = 1; i < entities.length; i++) expect(entities[i]!.start).toBeGreaterThanOrEqual(entities[i - 1]!.end);
  });

  it('reads numbers typed in full-width form (a Chinese IME in full-width mode), with offsets into the text as written', () => {
    const text = '订单ＫＦ２０２６１１２４００１，运单号ＳＦ１２３４５６７８９０１２，付了１２９９元，１１月２３日下的单';
    expect(brief(text)).toEqual(['order_id:KF20261124001', 'tracking_no:SF123456789012', 'amount:1299.00 CNY', 'date:2026-11-23']);
    for (const e of extractEntities(text, OPTIONS)) expect(text.slice(e.start, e.end)).toBe(e.text);
  });

  it('reads the design sentence', () => {
    expect(extractEntities('昨天下的单怎么还没发货?', OPTIONS)).toEqual<Entity[]>([
      { type: 'date', text: '昨天', start: 0, end: 2, value: '2026-11-24' },
    ]);
  });

  describe('order ids', () => {
    it.each([
      ['KF20261124001', 'KF20261124001'], ['我的订单kf20261124001', 'KF20261124001'], ['KF 2026 1124 001', 'KF20261124001'],
      ['KF-2026-1124-001', 'KF20261124001'], ['KF12345678', 'KF12345678'], ['订单号：2026112400123', '2026112400123'],
      ['单号 AB20261124001', 'AB20261124001'], ['order number 2026112400123', '2026112400123'],
      ['order #2026-1124-00123', '2026112400123'], ['my order no. KF20261124001', 'KF20261124001'],
    ])('%s → %s', (text, value) => {
      expect(brief(text)).toEqual([`order_id:${value}`]);
    });

    it('keeps the number as written in text and its offsets', () => {
      expect(extractEntities('单号是 kf 2026 1124 001 谢谢', OPTIONS)).toEqual<Entity[]>([
        { type: 'order_id', text: 'kf 2026 1124 001', start: 4, end: 20, value: 'KF20261124001' },
      ]);
    });

    it.each(['KF1234567', 'KF1234567890123', '订单号 12345', 'order 3 items', '2026112400123'])('finds none in %s', (text) => {
      expect(brief(text)).toEqual([]);
    });
  });

  describe('tracking numbers', () => {
    it.each([
      ['顺丰SF123456789012', 'SF123456789012'], ['sf1234567890123', 'SF1234567890123'], ['圆通YT1234567890123', 'YT1234567890123'],
      ['JD0012345678901', 'JD0012345678901'], ['运单号 778899001122', '778899001122'], ['快递单号：778899001122334', '778899001122334'],
      ['中通 778899001122', '778899001122'], ['ZTO778899001122', 'ZTO778899001122'], ['tracking number 778899001122', '778899001122'],
    ])('%s → %s', (text, value) => {
      expect(brief(text)).toEqual([`tracking_no:${value}`]);
    });

    it('goes by prefix first, then by the word before the number', () => {
      expect(brief('订单号SF123456789012')).toEqual(['tracking_no:SF123456789012']);
      expect(brief('运单号KF20261124001')).toEqual(['order_id:KF20261124001']);
      expect(brief('订单号2026112400123，快递单号2026112400123')).toEqual(['order_id:2026112400123', 'tracking_no:2026112400123']);
    });

    it.each(['SF12345', 'YT123456789012', '快递单号 12345'])('finds none in %s', (text) => {
      expect(brief(text)).toEqual([]);
    });
  });

  it('turns PII placeholders into phone and id_card entities', () => {
    expect(extractEntities('手机[手机号]，身份证号[身份证号]', OPTIONS)).toEqual<Entity[]>([
      { type: 'phone', text: '[手机号]', start: 2, end: 7, value: '[手机号]' },
      { type: 'id_card', text: '[身份证号]', start: 12, end: 18, value: '[身份证号]' },
    ]);
  });

  describe('amounts', () => {
    it.each([
      ['¥199', '199.00 CNY'], ['¥199元', '199.00 CNY'], ['￥ 199.5', '199.50 CNY'], ['199元', '199.00 CNY'], ['199块', '199.00 CNY'], ['199块钱', '199.00 CNY'],
      ['一百九十九元', '199.00 CNY'], ['两百块', '200.00 CNY'], ['花了两百五十块钱', '250.00 CNY'], ['三块五', '3.50 CNY'],
      ['1,299元', '1299.00 CNY'], ['1.5万元', '15000.00 CNY'], ['RMB 50', '50.00 CNY'], ['50 yuan', '50.00 CNY'],
      ['$19.99', '19.99 USD'], ['19.99 dollars', '19.99 USD'], ['USD 20', '20.00 USD'],
    ])('%s → %s', (text, value) => {
      expect(brief(text)).toEqual([`amount:${value}`]);
    });

    it('keeps the currency field', () => {
      expect(extractEntities('退我$19.99', OPTIONS)).toEqual<Entity[]>([
        { type: 'amount', text: '$19.99', start: 2, end: 8, value: '19.99', currency: 'USD' },
      ]);
    });

    it('takes no amount from order numbers, dates or quantities', () => {
      expect(brief('KF20261124001')).toEqual(['order_id:KF20261124001']);
      expect(brief('订单号2026112400123元')).toEqual(['order_id:2026112400123']);
      expect(brief('11月11号')).toEqual(['date:2026-11-11']);
      for (const text of ['我要三个', '一块手表', '两块蛋糕', '我们一块儿去', '第3单元', 'iPhone 15', '2026年']) {
        expect(brief(text), text).toEqual([]);
      }
    });
  });

  describe('products', () => {
    it.each([
      ['空气净化器坏了', 'Kefu 空气净化器 P3'], ['my air purifier is loud', 'Kefu 空气净化器 P3'], ['P3 不转了', 'Kefu 空气净化器 P3'],
      ['65寸电视怎么挂', 'Kefu 65英寸 4K 电视'], ['the 65 inch TV', 'Kefu 65英寸 4K 电视'], ['热水器漏水', 'Kefu 60升电热水器'],
      ['Water Heater install', 'Kefu 60升电热水器'], ['滤网多少钱', 'Kefu 空气净化器 P3 复合滤网'],
    ])('%s → %s', (text, value) => {
      expect(brief(text)).toEqual([`product:${value}`]);
    });

    it('takes the longest alias and whole Latin words only', () => {
      expect(extractEntities('空气净化器', OPTIONS)[0]).toMatchObject({ text: '空气净化器', start: 0, end: 5 });
      expect(brief('iPhone P30 on TVB')).toEqual([]);
    });

    it('uses the catalogue passed in, and none with []', () => {
      const products = [{ name: 'Robot Vacuum R1', aliases: ['扫地机器人', 'robot vacuum'] }];
      expect(brief('扫地机器人和空气净化器', { ...OPTIONS, products })).toEqual(['product:Robot Vacuum R1']);
      expect(brief('空气净化器', { ...OPTIONS, products: [] })).toEqual([]);
    });
  });

  it('finds nothing in plain chat', () => {
    expect(extractEntities('你好，在吗？我要三个', OPTIONS)).toEqual([]);
  });
});
