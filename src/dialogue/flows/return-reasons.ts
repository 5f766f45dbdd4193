/**
 * Return reasons as the order system receives them: a category when the customer's words name
 * one, else their own words. Tried in order: damage in transit ("磕坏了", "cracked") before a
 * fault ("坏了"), and a fault ("噪音太大", "too loud") before "太大" could make it a size problem.
 */
export interface ReturnReason {
  zh: string;
  en: string;
  re: RegExp;
}

/** The least specific reason: a later, specific one replaces it. */
export const CHANGED_MIND: ReturnReason = {
  zh: '不想要了',
  en: 'changed my mind',
  re: /不想要|不要了|不喜欢|买多了|多买|买错|拍错|用不上|不需要|不想买了|七天无理由|7天无理由|无理由|changed my mind|don'?t (want|need|like)|no longer (want|need)|by mistake|bought too many/i,
};

export const RETURN_REASONS: readonly ReturnReason[] = [
  { zh: '商品破损', en: 'arrived damaged', re: /破损|破了|碎了|碎的|碎掉|压坏|摔坏|磕坏|磕碰|划痕|裂了|裂开|裂缝|变形|凹陷|damaged|cracked|scratch|dented|smashed|shattered|arrived broken/i },
  {
    zh: '质量问题',
    en: 'quality problem',
    re: /质量|坏了|坏的|故障|不工作|不能用|用不了|不好用|毛病|噪音|噪声|杂音|异响|声音(?:太|很|好|特别|超级?|有点|非常)?大|太吵|很吵|吵得|响声|漏水|漏电|漏气|发烫|过热|异味|味道(?:太|很|好|特别|超级?|有点|非常)?大|不制冷|不制热|不加热|不出水|不亮|开不了机|不开机|死机|卡顿|失灵|没反应|掉漆|脱胶|开线|quality|broken|defect|faulty|doesn'?t work|does not work|not working|stopped working|won'?t (turn|switch) on|nois[ey]|too loud|leak|overheat|smell|malfunction/i,
  },
  {
    zh: '发错货',
    en: 'wrong item sent',
    re: /发错|错发|发成|不是我买的|不是我要的|不是我订的|型号不对|型号错|颜色不对|款式不对|少发|漏发|缺件|少了配件|wrong (item|product|colou?r|model|one)|sent the wrong|sent me the wrong|missing|not what i ordered|different item/i,
  },
  { zh: '与描述不符', en: 'not as described', re: /不符|与描述|和描述|描述不|色差|和图片|跟图片|与图片|图片差|实物差|跟页面|和页面|页面上写|与页面|宣传不一样|假货|not as described|different from|fake|counterfeit|doesn'?t match|not what (?:the|was) (?:page|listing|picture)|looks nothing like/i },
  {
    zh: '尺寸/规格不合适',
    en: 'size or spec does not fit',
    re: /尺寸|尺码|码数|码子|大一码|小一码|买大了|买小了|偏大|偏小|太大|太小|大小|不合身|不合脚|挤脚|穿不下|穿不上|规格|\bsize\b|too (big|small|large|tight|loose|short|long)|doesn'?t fit|does not fit|don'?t fit/i,
  },
  CHANGED_MIND,
];

/** The category a message names, or null. */
export function classifyReason(text: string): ReturnReason | null {
  return RETURN_REASONS.find((r) => r.re.test(text)) ?? null;
}
