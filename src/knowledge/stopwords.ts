/** Words that carry no retrieval signal in customer questions. Applied before stemming. */
export const ENGLISH_STOPWORDS: ReadonlySet<string> = new Set([
  'a', 'about', 'am', 'an', 'and', 'any', 'are', 'as', 'at', 'be', 'been', 'but', 'by', 'can', 'could',
  'did', 'do', 'does', 'for', 'from', 'had', 'has', 'have', 'hello', 'hi', 'how', 'i', 'if', 'in', 'into',
  'is', 'it', 'its', "it's", 'just', 'me', 'my', 'of', 'on', 'or', 'our', 'please', 's', 'should', 'so',
  'than', 'that', 'the', 'their', 'them', 'then', 'there', 'these', 'they', 'this', 'those', 'to', 'us',
  'was', 'we', 'were', 'what', 'when', 'which', 'who', 'why', 'will', 'with', 'would', 'you', 'your',
]);

/** Chinese function words and question fillers (whole jieba tokens). */
export const CHINESE_STOPWORDS: ReadonlySet<string> = new Set([
  '的', '了', '吗', '呢', '吧', '啊', '呀', '嘛', '哦', '么', '是', '我', '你', '您', '他', '她', '它',
  '我们', '你们', '他们', '请问', '请', '怎么', '怎么办', '怎样', '如何', '什么', '可以', '能', '能否', '有',
  '和', '与', '及', '或', '在', '这', '那', '这个', '那个', '一下', '就', '都', '也', '还', '要', '会', '吗？',
  '想', '问', '一', '个', '为', '把', '被', '对', '给', '让', '从', '到', '还是', '是不是', '有没有', '好',
]);

/**
 * Characters at which a CJK run is cut before emitting bigrams, so that "的退" or "吗请" style
 * bigrams that straddle a function word are not indexed.
 */
export const CJK_BIGRAM_BREAKS: ReadonlySet<string> = new Set(['的', '了', '吗', '呢', '吧', '啊', '呀', '嘛', '哦', '是', '我', '你', '您']);
