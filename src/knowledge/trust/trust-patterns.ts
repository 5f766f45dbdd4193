import { compileLinearPattern } from '../../safety/linear-pattern.ts';

/**
 * What a knowledge document has no business containing, in RE2 syntax (linear time: documents
 * come from outside, up to 50,000 characters each). Gaps are bounded and stop at a sentence end.
 */
const S = String.raw`[^。！？!?\n]`;
const NUM = String.raw`[0-9一二三四五六七八九十百千零〇两]+(?:\.[0-9]+)?`;

/** Passwords, keys and tokens given with their value. */
export const CREDENTIAL = compileLinearPattern(
  [
    String.raw`(?:密码|口令|密钥|秘钥|令牌|验证码|password|passwd|pwd|passcode|api[ _-]?key|secret(?:[ _-]?key)?|access[ _-]?(?:key|token)|token|credentials?)\s*(?:是|为|:|：|=|is)\s*["'「“]?[A-Za-z0-9!@#$%^&*_+=/.\-]{4,}`,
    String.raw`\bsk-[A-Za-z0-9]{20,}`,
    String.raw`\bAKIA[0-9A-Z]{16}\b`,
    String.raw`\bgh[pousr]_[A-Za-z0-9]{30,}`,
    String.raw`\bxox[abprs]-[A-Za-z0-9-]{10,}`,
    String.raw`-----BEGIN [A-Z ]*PRIVATE KEY-----`,
    String.raw`\b(?:admin|root|administrator)\s*/\s*[A-Za-z0-9!@#$%^&*_+=.\-]{4,}`,
  ].join('|'),
  { ignoreCase: true },
);

/**
 * Promises that change what the shop owes: "prices are now 1 yuan", "refunds guaranteed",
 * "compensation of 500". A policy states its rules ("签收后7天内可申请退货"); it does not announce
 * a new price for everything or a sum for everyone.
 */
export const COMMITMENT = compileLinearPattern(
  [
    // price now X
    String.raw`(?:价格|售价|单价|价钱|标价)${S}{0,6}(?:已|已经|现|现在|即日起|统一|一律|全部)${S}{0,4}(?:调整|调|改|降|变更|变)${S}{0,3}(?:为|成|到)`,
    String.raw`(?:全场|所有商品|全部商品|所有产品|全部产品|全店|一律|统一|现价|现在)${S}{0,8}(?:仅需|只要|只需|仅售|均为|都是|一律|统一|只卖)\s*${NUM}\s*(?:元|块|rmb|¥)`,
    String.raw`(?:现价|现在只要|现在仅需|现在只需|现仅需|现只要)\s*[¥￥]?\s*${NUM}`,
    String.raw`\bprices?\b${S}{0,20}\b(?:are|is|have been|has been|were|was)\s+(?:now\s+)?(?:changed|lowered|reduced|cut|set|dropped)\s+to\b`,
    String.raw`\b(?:all|every|everything)\b${S}{0,30}\b(?:now|only|just)\s+(?:costs?\s+)?(?:\$|¥|rmb\s*|cny\s*|usd\s*)\s*\d`,
    String.raw`\b(?:now|only|just)\s+(?:\$|¥|rmb\s*|cny\s*)\s*\d+(?:\.\d+)?\s+(?:for\s+)?(?:all|every|each|everything)\b`,
    String.raw`\bprices?\s+(?:are|is)\s+now\s+(?:\$|¥|rmb|cny|\d)`,
    // refunds guaranteed
    String.raw`(?:保证|承诺|一定|必定|无条件|百分百|100%)${S}{0,6}(?:全额)?(?:退款|退钱|返款|赔钱)`,
    String.raw`(?:退款|退钱)${S}{0,4}(?:有保证|保证到账|一定到账|无条件)`,
    String.raw`\b(?:guaranteed|unconditional)\s+(?:full\s+)?(?:refunds?|money\s+back)\b|\brefunds?\s+(?:are|is)\s+(?:always\s+)?guaranteed\b|\bwe\s+(?:will\s+)?guarantee\s+(?:a\s+|your\s+|you\s+a\s+)?(?:full\s+)?refund`,
    // compensation
    String.raw`(?:补偿|赔偿|赔付|补贴|返现|赔)${S}{0,8}(?:您|你|每位|每人|顾客|客户|买家)?${S}{0,4}${NUM}\s*(?:元|块|倍|rmb)`,
    String.raw`(?:一律|都会|都可|均可|均会|可以直接)${S}{0,4}(?:补偿|赔偿|赔付|退款)`,
    String.raw`\bcompensat\w*\s+(?:of\s+)?(?:\$|¥|rmb\s*|cny\s*)\s*\d|\b(?:will|shall)\s+(?:be\s+)?compensat\w*|\b(?:\$|¥)\s*\d+\s+(?:in\s+)?compensation\b`,
  ].join('|'),
  { ignoreCase: true },
);
