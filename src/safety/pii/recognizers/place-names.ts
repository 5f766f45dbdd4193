import { CITIES } from './zh-cities.ts';

/**
 * Place names that read like a person's name after "ship to", "this is", 我是: two capitalised
 * words ("Hong Kong", "New York") or a surname character and one or two more ("常州", "黄山").
 * The name recognizer drops a candidate that is a place; a place is not personal data, and
 * masking it changes what the customer asked ("do you ship to [NAME]?").
 */

// Multi-word places first: these are what two-capitalised-word name patterns mistake for names.
const EN_PLACES = [
  'hong kong', 'new york', 'los angeles', 'san francisco', 'san diego', 'san jose', 'las vegas', 'new jersey', 'new delhi', 'new zealand', 'new orleans',
  'new mexico', 'new hampshire', 'north carolina', 'south carolina', 'north dakota', 'south dakota', 'west virginia', 'rhode island', 'puerto rico',
  'el paso', 'fort worth', 'salt lake', 'kuala lumpur', 'ho chi minh', 'abu dhabi', 'tel aviv', 'buenos aires', 'sao paulo', 'são paulo',
  'mexico city', 'cape town', 'st petersburg', 'saint petersburg', 'st louis', 'saint louis', 'san antonio', 'santa clara', 'santa monica', 'santa barbara',
  'palo alto', 'mountain view', 'long beach', 'costa rica', 'sri lanka', 'saudi arabia', 'united kingdom', 'united states', 'great britain', 'south korea',
  'north korea', 'south africa', 'czech republic', 'dominican republic', 'hong kong island', 'new territories', 'kowloon tong', 'causeway bay', 'tsim sha tsui', 'mong kok', 'sha tin', 'tuen mun', 'tai po', 'yuen long', 'kwun tong', 'wan chai', 'sheung wan', 'tseung kwan', 'lantau island',
  'taipei city', 'new taipei', 'inner mongolia', 'phnom penh', 'chiang mai', 'hai phong', 'da nang', 'addis ababa', 'port louis', 'le havre',
  'den haag', 'the hague', 'san marino', 'sierra leone', 'el salvador', 'bay area', 'silicon valley', 'golden coast', 'gold coast',
  'west midlands', 'east sussex', 'west sussex', 'north yorkshire', 'south yorkshire', 'greater london', 'greater manchester', 'milton keynes', 'notting hill',
  'canary wharf', 'kings cross', "king's cross", 'beverly hills', 'santa cruz', 'santa fe', 'baton rouge', 'des moines', 'la jolla', 'el monte',
];

// A first word that makes the rest a place ("New Brunswick", "Fort Lauderdale", "Lake Tahoe"),
// and a last word that does ("Kowloon Bay", "Jersey City", "Bondi Beach").
const EN_PLACE_FIRST = new Set(['new', 'los', 'las', 'san', 'santa', 'saint', 'st', 'fort', 'port', 'mount', 'mt', 'lake', 'north', 'south', 'east', 'west', 'upper', 'lower', 'greater', 'central', 'united']);
const EN_PLACE_LAST = new Set([
  'city', 'town', 'island', 'islands', 'bay', 'beach', 'county', 'province', 'state', 'district', 'kingdom', 'republic', 'valley', 'harbour', 'harbor', 'village',
  'heights', 'springs', 'falls', 'airport', 'station', 'mall', 'centre', 'center', 'plaza', 'coast', 'peninsula', 'territory', 'territories', 'region',
]);

const EN_PLACE_SET = new Set(EN_PLACES);

/** Whether capitalised words ("Hong Kong", "New York City", "Kowloon Bay") name a place rather than a person. */
export function isEnglishPlace(words: readonly string[]): boolean {
  const lower = words.map((w) => w.toLowerCase().replace(/[.’]/g, (c) => (c === '’' ? "'" : '')));
  if (lower.length === 0) return false;
  if (EN_PLACE_FIRST.has(lower[0]!) || EN_PLACE_LAST.has(lower.at(-1)!)) return true;
  for (let n = lower.length; n >= 2; n--) if (EN_PLACE_SET.has(lower.slice(0, n).join(' '))) return true;
  return false;
}

// Provinces, regions and well-known places whose first character is a surname (黄山, 武夷山, 常熟).
const ZH_PLACES = new Set([
  ...CITIES,
  '香港', '澳门', '台湾', '台北', '台中', '台南', '新竹', '九龙', '新界', '江苏', '浙江', '安徽', '福建', '江西', '山东', '河南', '湖北', '湖南', '广东',
  '海南', '四川', '贵州', '云南', '陕西', '甘肃', '青海', '广西', '西藏', '宁夏', '新疆', '内蒙', '黄山', '泰山', '华山', '衡山', '庐山', '武夷山', '峨眉山',
  '常熟', '昆山', '江阴', '义乌', '慈溪', '余姚', '温岭', '乐清', '瑞安', '晋江', '石狮', '顺德', '南海', '番禹', '番禺', '龙华', '罗湖', '福田', '宝安', '龙岗',
  '黄浦', '徐汇', '静安', '普陀', '杨浦', '闵行', '宝山', '嘉定', '松江', '青浦', '奉贤', '崇明', '海淀', '朝阳', '丰台', '石景山', '通州',
  '顺义', '房山', '昌平', '大兴', '怀柔', '平谷', '密云', '延庆', '东城', '西城', '武昌', '汉口', '汉阳', '江北', '鼓楼', '雨花', '秦淮', '玄武',
  '黄冈', '黄埔', '黄岩', '汤阴', '孟州', '邹平', '曲阜', '韩城', '余杭', '萧山', '富阳', '临安', '柯桥', '上虞', '诸暨', '嵊州', '东阳', '永康',
]);

/** Whether a Chinese name candidate is a place ("常州", "黄山") or its people ("常州人"). */
export function isChinesePlace(candidate: string): boolean {
  return ZH_PLACES.has(candidate) || (/[人市区县省]$/u.test(candidate) && ZH_PLACES.has(candidate.slice(0, -1)));
}
