const DIGIT: Readonly<Record<string, number>> = {
  零: 0, 一: 1, 二: 2, 两: 2, 三: 3, 四: 4, 五: 5, 六: 6, 七: 7, 八: 8, 九: 9,
};

/** 一..九十九 to a number; undefined for anything else. */
function numeralValue(s: string): number | undefined {
  if (s.length === 1 && s in DIGIT) return DIGIT[s];
  const m = /^([一二两三四五六七八九])?十([一二三四五六七八九])?$/.exec(s);
  if (m === null) return undefined;
  const tens = m[1] === undefined ? 1 : (DIGIT[m[1]] ?? 0);
  const units = m[2] === undefined ? 0 : (DIGIT[m[2]] ?? 0);
  return tens * 10 + units;
}

/**
 * "七天无理由退货" and "7天无理由退货" must index the same way, so small Chinese numerals in front of
 * a counting unit become Arabic digits before segmentation.
 */
export function normaliseChineseNumerals(text: string): string {
  return text.replace(/([一二两三四五六七八九十]{1,3})(?=[天年月日周期个小分])/g, (whole, num: string) => {
    const v = numeralValue(num);
    return v === undefined ? whole : String(v);
  });
}
