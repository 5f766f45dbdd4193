import type { Emotion, EmotionLabel } from '../contracts/reply-part.ts';
import { normalizedText } from './normalized-text.ts';
import { remembered } from '../remembered.ts';

/**
 * Emotion from words, punctuation, shouting and repetition, with the previous turn's emotion
 * carried over. Word cues are weighted; the label with the most weight wins, except that anger
 * (hostile words, three or more `!`, capitals) beats everything. Labelling rules: eval/nlu/README.md.
 */

type Cue = [RegExp, number];

// Matched against the normalised text (lower case, typos mapped, punctuation gone).
const ANGRY: Cue[] = [
  [/气死|愤怒|太过分|过分了|垃圾|混蛋|什么破|破(服务|快递|东西|玩意|公司)|搞什么|骗子|骗人|滚|赖账|恶心|坑人|他妈|\btmd\b|卧槽|妈的|受够了|投诉到底|曝光|12315|消协|没完|给个说法|态度恶劣|乱收费|糊弄|有病|废物|要死|再也不|神经病|太烂|火大|气人|踢皮球|找你们领导|找你们经理/, 2],
  [/非常不满意|极其|忍无可忍|欺负人|坑爹|想赖账|骂人|听不懂人话/, 2],
  [/\b(angry|furious|ridiculous|unacceptable|scam|wtf|worst|useless|pathetic|disgusting|bullshit|crap|incompetent|fraud|lawyer|sue)\b|fed up|sick of|reporting (you|him|her|this)|report (this|you|it|them) to|authorities|\bbbb\b|\b(1|one) star\b|fix this now|rip ?off|never again|joke of a|terrible|awful|horrible|escalate/, 2],
];

const DISSATISFIED: Cue[] = [
  [/不满意|失望|太慢|差劲|太差|太坑|太亏|不满|郁闷|难用|凭什么|没人理|没人处理|没人管|差评|态度(很|太)?差|根本|搞错|被拒|拒绝|不通过|少退|退少|不对|剩下的呢|都.{0,4}(天|周|星期|礼拜)了|好久|半天|等了|一个(星期|礼拜|月)了|不一样|不符|不要机器人|不想跟机器|机器人没用/, 1.5],
  [/怎么还没|还没|还不|咋还|一直没|怎么还是|什么情况|怎么回事|咋回事|到底|说好|不是说|发错|质量问题|不好看|一只大一只小|怎么取消不了|用不了|不更新|没更新|没动静|动静都没有|不动了|好几天|敷衍|说了|(\d+|一|两|三|四|五|六|七|几)(天|周|个星期|个礼拜)了|提个?意见|举报|投诉/, 1],
  [/一直|又|为什么|坏了|坏的|有问题|失败/, 0.6],
  [/\b(disappointed|annoyed|frustrat\w*|unhappy|rude|rejected|denied|nobody|complain\w*|leaks|broken|defective|keeps|whats going on|partial)\b|not happy|too slow|still (not|no|waiting|hasnt|havent|isnt|says|shows)|hasnt (shipped|arrived|moved|updated)|never (got|received|arrived|showed)|hung up|nothing (in|at) my|shows nothing|feedback about|only got|its been (a|an|\d+|two|three|four|five|several) (days?|weeks?|months?)|why (cant|wont|hasnt|isnt|was)|you said|its day \d+|stop the bot|not a bot|this bot/, 1.2],
  [/\b(still|again|why|wrong)\b/, 0.6],
  [/投诉流程|怎么投诉|投诉电话|how (do|can) i (make|file|submit)/, -1],
];

const ANXIOUS: Cue[] = [
  [/着急|急用|急死|急急|急|担心|赶紧|求求|求你|求帮|在线等|来得及|等着用|害怕|慌|要命|快点|尽快|马上|明天要用|后天|出差/, 2],
  [/怎么办|能不能快/, 1],
  [/冒充|诈骗|未付款|未支付|钱扣了|扣了钱|\b(unpaid|suspicious)\b|is that you/, 1.5],
  [/\b(urgent|urgently|asap|worried|worry|hurry|emergency|scared|nervous|deadline)\b|please help|help(?: me)? please|help asap|as soon as|need it (for|by|before)|before (friday|monday|saturday|sunday|the weekend|tomorrow|it ships)|rent is due|chasing|leave tomorrow|for a party|birthday|what do i do|really need/, 2],
];

// Genuine positive words: these make a message satisfied even when it also asks something.
const POSITIVE: Cue[] = [
  [/太好了|满意|好评|赞|棒|解决了|辛苦了|聪明|可爱|厉害|开心|不错|给力|完美|哈哈|嘻嘻|真逗/, 2],
  [/\b(great|perfect|awesome|solved|helped|lol|haha|nice|funny|love|excellent|wonderful|amazing|brilliant|appreciate\w*)\b|good job|that helped/, 2],
];
// Thanks on its own is satisfaction; next to a request it is politeness.
const THANKS = /谢谢|多谢|感谢|谢啦|谢了|3q|\bthanks?\b|thank you|\bty\b|\bcheers\b/;
const ALL_THANKS = new RegExp(THANKS.source, 'g');
const FILLER = /好的|好嘞|嗯|明白了|知道了|没事了|啊|呀|哦|你|啦|了|\b(ok|okay|so much|a lot|for your help|for the help|very much|thats all|bye|you|all|again)\b|have a (good|nice|great) day|\s/g;
const NEGATED_POSITIVE = /不满意|不太满意|不是很满意|不(太|怎么)?好|not (happy|satisfied|great|good|nice)|no (good|help)/g;

// Capitalised words that are names, not shouting.
const ACRONYMS = new Set(['VAT', 'BBB', 'SMS', 'APP', 'USB', 'LED', 'PDF', 'EMS', 'UPS', 'DHL', 'ZTO', 'VIP', 'COD', 'ETA', 'ASAP', 'FAQ', 'IMEI', 'HDMI', 'WIFI', 'SKU']);

const NEGATIVE: readonly EmotionLabel[] = ['angry', 'dissatisfied', 'anxious'];

const sum = (cues: Cue[], text: string): number => cues.reduce((s, [re, w]) => (re.test(text) ? s + w : s), 0);
const round = (x: number): number => Math.round(Math.min(1, Math.max(0, x)) * 100) / 100;

const LETTER = /\p{L}/u;

/**
 * Whether some run of 1–20 letters (at least `minUnit`) is said three times in a row, spaces
 * aside ("人工人工人工", "why why why", "哈哈哈"). A scan per unit length, so linear in the text:
 * the backreference pattern this replaces took a second on 2,000 Han characters.
 */
function repeatsUnit(text: string, minUnit: number): boolean {
  const chars = [...text.toLowerCase()].filter((c) => !/\s/u.test(c));
  const letter = chars.map((c) => LETTER.test(c));
  for (let unit = minUnit; unit <= 20; unit++) {
    let run = 0;
    for (let i = 0; i + unit < chars.length; i++) {
      run = letter[i] === true && chars[i] === chars[i + unit] ? run + 1 : 0;
      if (run >= 2 * unit) return true;
    }
  }
  return false;
}

/**
 * Emotion of one message alone, before carry-over. Remembered: a message is read again as history
 * on later turns, and frequent questions recur (keys are the masked text the NLU reads).
 */
const emotionOf: (text: string) => Readonly<Emotion> = remembered(readEmotion, 512);

function readEmotion(text: string): Emotion {
  const raw = text.normalize('NFKC');
  // 加急 is a shipping option, not urgency.
  const norm = normalizedText(raw).replace(/加急/g, '');
  const bangs = (raw.match(/!/g) ?? []).length;
  const questionRuns = (raw.match(/\?{2,}/g) ?? []).length;
  const shouting = (raw.match(/\b[A-Z]{3,}\b/g) ?? []).filter((w) => !ACRONYMS.has(w)).length;
  const repeated = repeatsUnit(raw, 1);
  const repeatedWord = repeatsUnit(raw, 2);

  const positiveText = norm.replace(NEGATED_POSITIVE, ' ');
  const thanks = THANKS.test(positiveText);
  const onlyThanks = thanks && positiveText.replace(ALL_THANKS, '').replace(FILLER, '').length <= 4;
  let satisfied = sum(POSITIVE, positiveText) + (onlyThanks ? 2 : 0);
  let angry = sum(ANGRY, norm) + shouting * 1.5;
  const dissatisfied = sum(DISSATISFIED, norm) + questionRuns * 1 + (repeatedWord ? 1.2 : 0);
  const anxious = sum(ANXIOUS, norm);
  if (bangs >= 3 && satisfied === 0) angry += 2;
  if (angry + dissatisfied + anxious > 0 && !onlyThanks) satisfied = Math.max(0, satisfied - 1);

  const boost = Math.min(0.25, bangs * 0.06) + Math.min(0.1, questionRuns * 0.05) + (shouting > 0 ? 0.1 : 0) + (repeated ? 0.1 : 0);
  if (angry >= 1.5) return { label: 'angry', intensity: round(0.6 + Math.min(0.2, (angry - 2) * 0.1) + boost) };
  const best = Math.max(dissatisfied, anxious, satisfied);
  if (best < 1) return { label: 'neutral', intensity: 0 };
  // Ties go to the stronger feeling: dissatisfied, then anxious, then satisfied.
  const label: EmotionLabel = dissatisfied === best ? 'dissatisfied' : anxious === best ? 'anxious' : 'satisfied';
  const base = label === 'satisfied' ? 0.5 : 0.45;
  return { label, intensity: round(base + Math.min(0.2, (best - 1) * 0.08) + boost) };
}

/**
 * The emotion of a customer message. `previous` (the last turn's emotion) carries over: a
 * neutral follow-up to an angry turn is still somewhat angry, and the same negative feeling twice
 * in a row is stronger than once; thanks or praise resets it.
 */
export function detectEmotion(text: string, previous?: Emotion): Emotion {
  const current = emotionOf(text);
  if (previous === undefined || !NEGATIVE.includes(previous.label) || current.label === 'satisfied') return { ...current };
  if (current.label === 'neutral') {
    const carried = previous.intensity * 0.6;
    return carried >= 0.25 ? { label: previous.label, intensity: round(carried) } : { ...current };
  }
  if (current.label === previous.label) {
    return { label: current.label, intensity: round(Math.max(current.intensity, previous.intensity) + 0.15) };
  }
  return { label: current.label, intensity: round(Math.max(current.intensity, previous.intensity * 0.8)) };
}
