import { T2S_FROM, T2S_TO } from './t2s-table.ts';

/**
 * Text normalisation shared by the intent lexicon, the n-gram model and its training corpus, so
 * all three see the same form: NFKC (full-width → half-width), lower case, Traditional → Simplified
 * (OpenCC's character table), order numbers and PII placeholders reduced to one token,
 * typos, near-homophones and pinyin mapped to the intended word, punctuation to spaces.
 */

/** What an order, tracking or tax number becomes, so digits never look like words. */
export const NUMBER_TOKEN = '#no';

// Traditional → Simplified, character by character, from OpenCC's tables (t2s-table.ts, about
// 3,000 characters): the lexicon, the templates and the model are all written in Simplified.
const TO: string[] = [...T2S_TO];
const TRADITIONAL = new Map([...T2S_FROM].map((c, i) => [c, TO[i] ?? c]));

/**
 * Typos and near-homophones (pinyin input picks the wrong character) → the intended word.
 * Checked against ordinary words: none of the left-hand sides is a word a customer would mean here.
 */
const ZH_VARIANTS: [RegExp, string][] = [
  [/推货|腿货|退火|退或|褪货|退huo/g, '退货'],
  [/退宽|退歀|腿款|推款|退kuan/g, '退款'],
  [/发漂|发飘|发瞟|法票|发piao/g, '发票'],
  [/快第|快低|快滴|块递/g, '快递'],
  [/物留|误流|屋流|物liu/g, '物流'],
  [/取笑订单/g, '取消订单'],
  [/取销|娶消/g, '取消'],
  [/定单/g, '订单'],
  [/优惠卷|优会券|优惠劵/g, '优惠券'],
  [/投述|头诉|偷诉/g, '投诉'],
  [/地止|地扯|地趾/g, '地址'],
  [/换或|换huo/g, '换货'],
  [/人公|人攻/g, '人工'],
  [/付欵|附款/g, '付款'],
  [/签手/g, '签收'],
  // Taiwan and Hong Kong usage the character table leaves alone.
  [/甚么/g, '什么'],
  [/妳/g, '你'],
];

// Pinyin typed without converting, and English misspellings seen in chat.
const WORD_VARIANTS = new Map<string, string>([
  ['tuihuo', '退货'], ['tuikuan', '退款'], ['fapiao', '发票'], ['kuaidi', '快递'], ['wuliu', '物流'],
  ['huanhuo', '换货'], ['rengong', '人工'], ['quxiao', '取消'], ['dingdan', '订单'], ['fahuo', '发货'],
  ['zhifu', '支付'], ['fukuan', '付款'], ['youhuiquan', '优惠券'], ['youhui', '优惠'], ['tousu', '投诉'],
  ['nihao', '你好'], ['ninhao', '您好'], ['xiexie', '谢谢'], ['zaima', '在吗'], ['zaime', '在吗'],
  ['baibai', '拜拜'], ['zaijian', '再见'], ['dizhi', '地址'], ['baoxiu', '保修'], ['anzhuang', '安装'],
  ['jiage', '价格'], ['jifen', '积分'], ['huiyuan', '会员'], ['shouhou', '售后'], ['zhenren', '真人'],
  ['refnud', 'refund'], ['refound', 'refund'], ['rfund', 'refund'], ['refud', 'refund'], ['refunt', 'refund'],
  ['retrun', 'return'], ['reutrn', 'return'], ['retun', 'return'], ['retrn', 'return'],
  ['adress', 'address'], ['addres', 'address'], ['adresss', 'address'], ['adddress', 'address'], ['addresss', 'address'],
  ['cancle', 'cancel'], ['cancell', 'cancel'], ['cancl', 'cancel'], ['cancal', 'cancel'], ['canel', 'cancel'],
  ['cancled', 'cancelled'], ['canceled', 'cancelled'],
  ['invoce', 'invoice'], ['invioce', 'invoice'], ['invoise', 'invoice'], ['invoic', 'invoice'], ['invocie', 'invoice'],
  ['recieve', 'receive'], ['recieved', 'received'], ['receieved', 'received'], ['recived', 'received'],
  ['exchnage', 'exchange'], ['exhange', 'exchange'], ['exchage', 'exchange'], ['exchang', 'exchange'],
  ['ordr', 'order'], ['oder', 'order'], ['orderr', 'order'], ['odrer', 'order'],
  ['trackign', 'tracking'], ['traking', 'tracking'], ['trackng', 'tracking'], ['tracknig', 'tracking'],
  ['paymnet', 'payment'], ['paymet', 'payment'], ['payement', 'payment'], ['pyment', 'payment'],
  ['cupon', 'coupon'], ['coupan', 'coupon'], ['copon', 'coupon'], ['cuopon', 'coupon'], ['coupen', 'coupon'],
  ['complant', 'complaint'], ['complian', 'complain'], ['compliant', 'complaint'],
  ['shiping', 'shipping'], ['shippment', 'shipment'], ['shipement', 'shipment'],
  ['delivry', 'delivery'], ['delivey', 'delivery'], ['deliverd', 'delivered'], ['dilivery', 'delivery'],
  ['pakage', 'package'], ['pacakge', 'package'], ['packge', 'package'], ['pakcage', 'package'], ['parcle', 'parcel'],
  ['warrenty', 'warranty'], ['waranty', 'warranty'], ['warrantee', 'warranty'],
  ['discout', 'discount'], ['disount', 'discount'], ['humen', 'human'], ['reciept', 'receipt'], ['receit', 'receipt'],
  ['pls', 'please'], ['plz', 'please'], ['plss', 'please'], ['u', 'you'], ['ur', 'your'],
  ['thx', 'thanks'], ['thnx', 'thanks'], ['thanx', 'thanks'], ['tks', 'thanks'], ['tnx', 'thanks'],
  ['hav', 'have'], ['wat', 'what'], ['wher', 'where'], ['whre', 'where'], ['hlep', 'help'], ['becuase', 'because'],
]);

// Masked PII (`[手机号]`) and template placeholders (`{{order number}}`).
const PLACEHOLDER = /\[[^\]\s]{1,12}\]|\{\{[^{}]{1,40}\}\}/g;
// An @mention addresses a shop or helpdesk account (`@某某官方客服`); its name is not the message.
const MENTION = /@[^\s@:：,，。!！?？]{1,30}/gu;
// Order, tracking, tax and card numbers: letters then at least six digits, or long digit runs.
const LONG_NUMBER = /\b[a-z]{0,5}\d[\dx-]{5,}[a-z]{0,4}\b|\d{6,}/g;

/** The normalised form of a message; stable, so it can key caches and training features. */
export function normalize(text: string): string {
  let t = text.normalize('NFKC').toLowerCase();
  t = [...t].map((c) => TRADITIONAL.get(c) ?? c).join('');
  t = t.replace(MENTION, ' ').replace(PLACEHOLDER, ' ').replace(LONG_NUMBER, ` ${NUMBER_TOKEN} `);
  // Contractions lose the apostrophe (don't → dont) so both spellings match one pattern.
  t = t.replace(/['’`]/g, '');
  for (const [re, to] of ZH_VARIANTS) t = t.replace(re, to);
  t = t.replace(/[a-z]+/g, (w) => WORD_VARIANTS.get(w) ?? w);
  // A key held down counts once for intent (emotion reads the raw text):
  // Latin letters collapse to one ("hiiii" → "hi"); Han runs keep two, since doubling is
  // word-forming in Chinese (哈哈, 谢谢, 急急).
  t = t.replace(/(\p{Script=Han})\1{2,}/gu, '$1$1').replace(/([^\p{Script=Han}\P{L}])\1{2,}/gu, '$1');
  t = t.replace(/[^\p{L}\p{N}#\s]/gu, ' ').replace(/\s+/g, ' ').trim();
  return t;
}
