/**
 * Free-word answers to a yes/no question ("嗯对", "yes go ahead", "算了"). Negation is checked
 * first: "不对" and "no, don't" contain yes-words. Anything else is unclear and the question is
 * asked again: a write needs an explicit yes, never a guess.
 */
const NO = /^(不|别|否|没有?|算了|取消|不要|不用|不行|不对|错了|等等|等一下|先不|no\b|nope|nah|don'?t|do not|stop|cancel|wait|never ?mind|not now|hold on|wrong)/i;
const NO_ANYWHERE = /不想(退|换|改|开|要|取消)|不要了|不用了|先不|算了|不退了|不换了|不改了|不取消了|不开了|don'?t do it|do not|never ?mind|changed my mind/i;
const YES = /^(嗯+|恩+|对+|是+|好+|行+|可以|确认|确定|没问题|没错|同意|提交|办吧|就这样|ok|okay|yes|yep|yeah|yup|sure|confirm|correct|right|go ahead|please do|do it|sounds good|that'?s right|absolutely|of course|y)(?![a-z])/i;

const QUESTION = /是不是|对不对|行不行|好不好|可不可以|能不能|[?？][\s!！?？。.~～]{0,5}$|[吗呢][\s!！?？。.~～]{0,5}$|多久|多长时间|几天|什么时候|怎么|为什么|哪里|多少|\b(how|when|why|what|where|which|will it|does it|do i|can i|is it)\b/i;

/** A question rather than an answer, wherever its question word stands ("ok, how long will it take"). */
export const isQuestion = (text: string): boolean => QUESTION.test(text.trim());

export type Confirmation = 'yes' | 'no' | null;

export function parseConfirmation(text: string): Confirmation {
  // Fillers say nothing: "actually no, cancel" is a no, "well, yes" a yes.
  const t = text.trim().replace(/^[\s,，.。!！~～]+/, '').replace(/^(actually|well|um+|hmm+|oh|ah|erm|so)\b[\s,，.]*/i, '');
  if (t.length === 0) return null;
  // A question is neither ("取消了钱多久能退回来?" starts with a no-word, "好的,多久到账?" with a
  // yes-word): it is answered and the question asked again, never taken as an answer.
  if (QUESTION.test(t)) return null;
  if (/^(没问题|没错|没毛病|no problem)/i.test(t)) return 'yes';
  if (NO.test(t) || NO_ANYWHERE.test(t)) return 'no';
  if (YES.test(t)) return 'yes';
  return null;
}

/** "算了,不退了" / "cancel that" in the middle of a flow: leave the flow, write nothing. */
const ABORT = /^(算了|不用了|不要了|不办了|取消吧?|先不[退换改办开]了?|不[退换改开]了|我不想[退换改]了|cancel( it| that| this)?|never ?mind|forget it|stop|quit|exit|i changed my mind)[\s,，.。!！~]*$|算了[,，]?(不[退换改开]了|不用了|不要了)|不[退换改开]了|never ?mind|forget it|changed my mind/i;

export function isAbort(text: string): boolean {
  return ABORT.test(text.trim());
}

/** "第二个", "2", "the second one": a choice from a numbered list, 1-based; null when none. */
export function parseOrdinal(text: string): number | null {
  const t = text.trim().toLowerCase();
  const digit = /^(?:第\s*)?(\d{1,2})\s*(?:个|单|号|条|\.|、)?[\s。.!！]*$/.exec(t) ?? /^(?:the\s+)?(?:number|no\.?|#)\s*(\d{1,2})\b/.exec(t);
  if (digit) return Number(digit[1]);
  const zh = /第\s*([一二两三四五六七八九十])\s*(?:个|单|条)?/.exec(t);
  if (zh) return '一二三四五六七八九十'.indexOf(zh[1] === '两' ? '二' : zh[1]!) + 1;
  const en = /\b(first|second|third|fourth|fifth|1st|2nd|3rd|4th|5th)\b/.exec(t);
  if (en) return ['first', 'second', 'third', 'fourth', 'fifth'].indexOf(en[1]!.replace(/^1st$/, 'first').replace(/^2nd$/, 'second').replace(/^3rd$/, 'third').replace(/^4th$/, 'fourth').replace(/^5th$/, 'fifth')) + 1;
  if (/最近的?那?[个单]|最新的?那?[个单]|the (latest|last|most recent) (one|order)/.test(t)) return 1;
  return null;
}
