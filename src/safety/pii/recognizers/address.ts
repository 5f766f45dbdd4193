import { allMatches } from '../all-matches.ts';
import { applyContext, type ContextCues } from '../context.ts';
import type { PiiCandidate, PiiRecognizer } from '../pii-types.ts';

/**
 * Street addresses. A Chinese address is a run of components — province, city, district, town,
 * road with a house number, residential compound or building, unit and room — and counts only
 * when it reaches street level: a road with a number, a compound with a building or room, a
 * road with a named building, or a village or compound in a named town. "我在北京", "朝阳区能送吗" and "中山路那家店" are places, not
 * addresses. English: house number, street name and street type, then comma-separated places.
 */

const ADDRESS_CUES: ContextCues = {
  positive: ['地址', '寄到', '送到', '寄往', '送往', '发到', '住在', '住', '家在', '收货', '放在', 'address', 'ship to', 'deliver to', 'send to', 'live'],
  window: 10,
  boost: 0.15,
};

const PROVINCE = '(?:北京|天津|上海|重庆)市?|(?:河北|山西|辽宁|吉林|黑龙江|江苏|浙江|安徽|福建|江西|山东|河南|湖北|湖南|广东|海南|四川|贵州|云南|陕西|甘肃|青海|台湾)省?|内蒙古(?:自治区)?|广西(?:壮族自治区)?|西藏(?:自治区)?|宁夏(?:回族自治区)?|新疆(?:维吾尔自治区)?|(?:香港|澳门)(?:特别行政区)?';

/** Cities often written without 市 ("杭州西湖区"); also where an address starts inside a run of Chinese ("寄到我公司广州市…"). */
export const CITIES = [
  '北京', '上海', '天津', '重庆', '广州', '深圳', '杭州', '南京', '苏州', '成都', '武汉', '西安', '长沙', '郑州', '青岛', '济南', '厦门', '福州', '合肥', '昆明',
  '南宁', '贵阳', '南昌', '沈阳', '大连', '哈尔滨', '长春', '石家庄', '太原', '呼和浩特', '兰州', '西宁', '银川', '乌鲁木齐', '拉萨', '海口', '三亚', '宁波', '温州',
  '无锡', '常州', '佛山', '东莞', '珠海', '中山', '惠州', '汕头', '泉州', '烟台', '潍坊', '徐州', '扬州', '南通', '嘉兴', '绍兴', '金华', '台州', '洛阳', '宜昌',
  '襄阳', '株洲', '岳阳', '桂林', '柳州', '遵义', '绵阳', '大理', '丽江', '唐山', '保定', '邯郸', '秦皇岛', '廊坊', '包头', '鄂尔多斯', '鞍山', '大庆', '芜湖',
  '六安', '赣州', '九江', '临沂', '淄博', '济宁', '威海', '日照', '镇江', '盐城', '泰州', '湖州', '舟山', '江门', '湛江', '肇庆', '清远', '韶关', '揭阳', '莆田',
  '漳州', '宿迁', '连云港', '淮安', '衢州', '丽水', '安庆', '蚌埠', '马鞍山', '宜宾', '南充', '泸州', '德阳', '乐山', '曲靖', '玉溪', '开封', '新乡', '南阳',
  '商丘', '信阳', '许昌', '平顶山', '荆州', '十堰', '黄石', '孝感', '衡阳', '常德', '郴州', '湘潭', '北海', '梧州', '三明', '南平', '龙岩', '宁德', '东营',
  '泰安', '聊城', '德州', '滨州', '菏泽', '枣庄', '张家口', '承德', '沧州', '衡水', '邢台', '大同', '运城', '长治', '晋中', '锦州', '营口', '抚顺', '丹东',
  '吉林', '四平', '齐齐哈尔', '牡丹江', '佳木斯', '宝鸡', '咸阳', '渭南', '榆林', '延安', '汉中', '天水', '酒泉', '克拉玛依', '喀什', '伊犁', '库尔勒', '赤峰',
];

// Characters that cannot be part of a place name: particles, pronouns and the verbs around an
// address ("寄到", "住在", "改成"). Used to keep a match from swallowing the words before it.
const STOP = '的了是在我你他她它们到寄送住往帮请改把给或写填就也还又很要想能已这那哪什么怎谁吗呢吧啊呀哦嘛啦谢麻烦址收件电话为从与及至去您咱';
const HAN = '\\p{Script=Han}';
// v-flag set subtraction: a place-name character is a Han character that is not a stop character
// and, depending on the component, not one of the suffixes that end a component.
const nameChar = (exclude: string, latin = false) => `[[${HAN}${latin ? 'A-Za-z' : ''}]--[${STOP}${exclude}]]`;
const ADMIN_NAME = nameChar('省市区县路街道号巷弄镇乡');
const ROAD_NAME = nameChar('省区县号');
const PLACE_NAME = nameChar('省市区县路街号', true);
const HAN_NUM = '一二三四五六七八九十百零';

const CITY = `(?:${CITIES.join('|')})市?`;
const ADMIN = `(?:市[南北中]区|${ADMIN_NAME}{1,7}?(?:自治州|自治县|地区|新区|开发区|市|盟|区|县|旗|镇|乡|街道))`;
const ROAD = `${ROAD_NAME}{1,10}?(?:大道|大街|路|街|道|巷|弄|胡同|里)(?:[东南西北中${HAN_NUM}]{1,2}段)?`;
const NUMBER = `(?:\\d+|[${HAN_NUM}]+)(?:-\\d+)?(?:号院|号|弄)`;
const PLACE = `${PLACE_NAME}{1,12}?(?:小区|花园|家园|公寓|大厦|广场|中心|大楼|苑|园|村|城|府|邸|湾|庭|阁|公馆|大学|学院|医院|酒店|校区|产业园|工业园|科技园|商场|院)`;
const UNIT = `(?:(?:\\d+|[A-Za-z]\\d*|[${HAN_NUM}]+)(?:-\\d+)?(?:号楼|栋|幢|座|单元|楼|层|室|号|期|组|F)|(?<=[栋幢座元楼层])\\d{3,4}(?!\\d))`;
// A second building word after a compound name ("中关村" then "大厦").
const PLACE_WORD = '(?:写字楼|大厦|大楼|广场|中心|公寓|花园|商场)';
// Rural addresses have no house number: a town (镇, 乡, 街道) and a village or compound in it.
const TOWN = `${ADMIN_NAME}{1,7}?(?:镇|乡|街道)`;
const CORE = `(?:${ROAD}${NUMBER}|${PLACE}${UNIT}|${ROAD}${PLACE}|${TOWN}${PLACE})`;
// Components may be separated by one space ("北京市 朝阳区 建国路88号"), as in pasted addresses.
const ZH_ADDRESS = new RegExp(`(?:${PROVINCE})?(?: ?(?:${CITY}|${ADMIN}))* ?${CORE}(?: ?(?:${ROAD}(?:${NUMBER})?|${PLACE}|${PLACE_WORD}|${UNIT}))*`, 'gv');
const KNOWN_START = new RegExp(`${PROVINCE}|${CITY}`, 'u');

const EN_ADDRESS = /(?:\b(?:Room|Rm\.?|Apt\.?|Unit|Suite|Flat|Floor|Building|Bldg\.?)\s*[\w-]+,?\s*)*\b\d+[A-Za-z]?\s+(?:[A-Z][a-z']+\s+){1,3}(?:Road|Rd|Street|St|Avenue|Ave|Lane|Ln|Boulevard|Blvd|Drive|Dr|Way|Highway|Hwy)\b\.?(?:,\s*[A-Z][A-Za-z']+(?:\s+[A-Z][A-Za-z']+)*){0,3}/g;

const HAS_STREET_WORD = /[路街道巷弄号栋幢室楼区园村苑城府院]|\d+\s+[A-Z]/;

export const addressRecognizer: PiiRecognizer = {
  types: ['address'],
  find(text) {
    if (!HAS_STREET_WORD.test(text)) return [];
    const out: PiiCandidate[] = [];
    for (const m of allMatches(ZH_ADDRESS, text)) {
      const lead = m[0].startsWith(' ') ? 1 : 0;
      const head = m[0].slice(lead, lead + 10);
      // "公司广州市…": start at the province or city when the match begins with other words.
      const known = KNOWN_START.exec(head);
      const skip = known !== null && known.index > 0 && !/[省市区县]/.test(head.slice(0, known.index)) ? known.index : 0;
      const start = m.index + lead + skip;
      const hasAdmin = /^(?:.{0,12}?)[省市区县镇]/u.test(text.slice(start, start + 14));
      const score = applyContext(text, start, hasAdmin ? 0.8 : 0.7, ADDRESS_CUES);
      out.push({ type: 'address', start, end: m.index + m[0].length, score });
    }
    for (const m of allMatches(EN_ADDRESS, text)) {
      out.push({ type: 'address', start: m.index, end: m.index + m[0].length, score: applyContext(text, m.index, 0.7, ADDRESS_CUES) });
    }
    return out;
  },
};
