import { describe, expect, it } from 'vitest';
import { createPiiEngine } from '../../../src/safety/pii/create-pii-engine.ts';

const engine = createPiiEngine();
const found = (text: string) => engine.analyze(text).map((e) => `${e.type}:${e.text}`);

describe('Chinese name recognizer', () => {
  it('finds names after 我叫, 收货人, 联系人 and 姓名', () => {
    expect(found('我叫张伟，订单一直没发货')).toEqual(['person_name:张伟']);
    expect(found('收货人：李娜')).toEqual(['person_name:李娜']);
    expect(found('联系人是我同事宋佳，她会去取')).toEqual(['person_name:宋佳']);
    expect(found('收货人姓名：高明远')).toEqual(['person_name:高明远']);
    expect(found('姓名 欧阳娜娜')).toEqual(['person_name:欧阳娜娜']);
  });
  it('ends the name where the sentence goes on', () => {
    expect(found('我叫张伟想问下退款')).toEqual(['person_name:张伟']);
    expect(found('收货人王芳电话13911112222')).toEqual(['person_name:王芳', 'phone:13911112222']);
  });
  it('finds a full name before 先生/女士 but not a bare surname', () => {
    expect(found('麻烦转告赵磊先生')).toEqual(['person_name:赵磊']);
    expect(found('黄晓明女士的订单退款了吗')).toEqual(['person_name:黄晓明']);
    expect(found('王先生说今天回电话')).toEqual([]);
    expect(found('我们向王女士道歉')).toEqual([]);
  });
  it('accepts 我是 only when the clause ends with the name', () => {
    expect(found('我是杨帆，昨天聊过')).toEqual(['person_name:杨帆']);
    expect(found('我是新用户，有优惠吗')).toEqual([]);
    expect(found('我是高中生，能用学生优惠吗')).toEqual([]);
  });
  it('does not take surnames used as words, or labels with no name after them', () => {
    expect(found('王牌手机壳，今天很高兴，周末送到，文件张开了')).toEqual([]);
    expect(found('收货人信息怎么修改，姓名那里填错了')).toEqual([]);
    expect(found('我叫了好几次客服')).toEqual([]);
  });
});

describe('English name recognizer', () => {
  it('finds names after "my name is" and "name:"', () => {
    expect(found('Hi, my name is John Smith and my order never arrived')).toEqual(['person_name:John Smith']);
    expect(found('Name: Emily Chen')).toEqual(['person_name:Emily Chen']);
    expect(found('收货人：Tom Lee')).toEqual(['person_name:Tom Lee']);
  });
  it('needs two capitalised words after weaker cues', () => {
    expect(found('This is Michael Brown, I called yesterday')).toEqual(['person_name:Michael Brown']);
    expect(found('Mr. Wang said it would ship today')).toEqual([]);
    expect(found('I am very upset')).toEqual([]);
  });
});

describe('address recognizer', () => {
  it('finds addresses from province to room', () => {
    expect(found('收货地址：北京市朝阳区建国路88号SOHO现代城2号楼1502室')).toEqual(['address:北京市朝阳区建国路88号SOHO现代城2号楼1502室']);
    expect(found('送到成都市武侯区人民南路四段27号')).toEqual(['address:成都市武侯区人民南路四段27号']);
    expect(found('放在幸福小区3栋2单元501门口就行')).toEqual(['address:幸福小区3栋2单元501']);
    expect(found('请送到 上海市 浦东新区 世纪大道100号 3号楼')).toEqual(['address:上海市 浦东新区 世纪大道100号 3号楼']);
  });
  it('finds rural addresses: a village in a named town, with or without a group number', () => {
    expect(found('收货地址：河南省周口市郸城县南丰镇李楼村')).toEqual(['address:河南省周口市郸城县南丰镇李楼村']);
    expect(found('寄到湖南省邵阳市隆回县六都寨镇白竹村3组')).toEqual(['address:湖南省邵阳市隆回县六都寨镇白竹村3组']);
    expect(found('七宝镇有门店吗')).toEqual([]);
  });
  it('finds an address whose only road or place word is a rare one (里, 苑), and skips text with none', () => {
    // The scan only runs on text holding a road or place word (scan-zh-address.ts CORE_WORD).
    expect(found('请寄到北京市朝阳区光明里12号')).toEqual(['address:北京市朝阳区光明里12号']);
    expect(found('地址:杭州市西湖区翠苑3栋201室')).toEqual(['address:杭州市西湖区翠苑3栋201室']);
    expect(found('您好！订单付款后48小时内发货，偏远地区5-7天，三号楼的同事会联系您。')).toEqual([]);
  });
  it('starts at the city when the words before it are not part of the address', () => {
    expect(found('寄到我公司广州市天河区华夏路10号')).toEqual(['address:广州市天河区华夏路10号']);
  });
  it('does not take places without a street address', () => {
    expect(found('我在北京，几天能到？发往上海要几天？广东省内包邮吗？朝阳区能当天送达吗？')).toEqual([]);
    expect(found('中山路那家店还营业吗，地铁2号线附近有门店吗')).toEqual([]);
  });
  it('finds English street addresses', () => {
    expect(found('my address is 123 Main Street, Springfield')).toEqual(['address:123 Main Street, Springfield']);
  });
  it('scores higher after an address cue', () => {
    const score = (t: string) => engine.analyze(t, { types: ['address'] })[0]?.score ?? 0;
    expect(score('地址：建国路88号')).toBeGreaterThan(score('建国路88号'));
  });
});
