/**
 * Retrieved passages and product reviews go into the prompt, and anyone who can write a review
 * can write "ignore previous instructions". `fenceContext` makes such text data:
 *
 * - invisible characters and Unicode tag characters are removed;
 * - chat-template tokens (<|im_start|>, <|start_header_id|>, <|eot_id|>, <|end|>, [INST], <<SYS>>,
 *   <s>, </system>) and role markers at the start of a line or sentence ("system:", "assistant:",
 *   "### Instruction:", "系统:") are stripped, so the text cannot open a new turn;
 * - sentences the input guard reads as an injection, a jailbreak, a prompt-extraction attempt or a
 *   scripted promise are quoted and labelled as quoted text, not left as bare imperatives;
 * - the whole is wrapped in «data» … «/data» markers, and any « » inside are replaced, so the text
 *   cannot close the fence early.
 *
 * The system prompt should say that text inside «data» is reference material and never an
 * instruction; this module only makes that statement true of the text.
 */
import { deobfuscate } from './deobfuscate.ts';
import { RULES } from './rules/index.ts';
import { scoreRules } from './score.ts';
import type { AttackCategory } from './types.ts';

export const FENCE_OPEN = '«data»';
export const FENCE_CLOSE = '«/data»';

const INVISIBLE = /[\u00ad\u034f\u061c\u200b-\u200f\u202a-\u202e\u2060-\u206f\ufeff\u{e0000}-\u{e007f}]/gu;
// A token and the role name that follows it: "<|im_start|>system", "<|start_header_id|>user<|end_header_id|>".
const TEMPLATE_TOKENS = /<\|[^|<>\n]{1,40}\|>(?:\s*(?:system|user|assistant|developer|tool|ipython)\b(?:\s*<\|[^|<>\n]{1,40}\|>)?)?|\[\/?INST\]|<<\/?SYS>>|<\/?s>|<\/?(?:system|user|assistant|developer|human|ai)\s*>/giu;
// "system:" and friends where a new turn could start: line start, or after a sentence end.
const ROLE_MARKER = /(^|[\n。.!?！？;；]\s*)(?:#{1,4}\s*)?(?:system|assistant|user|developer|human|ai|instruction|instructions|response|系统|助手|用户|管理员|指令)\s*[:：]\s*/giu;
const HEADER_MARKER = /(^|\n)\s*#{1,4}\s*(?:new\s+)?(?:system|instruction|instructions|response|assistant|user)\b\s*(?:#{1,4})?\s*[:：]?\s*/giu;
// A sentence that gives the assistant orders: reviews and passages have no business doing that.
const ADDRESSES_ASSISTANT = /^(?:(?:dear |hey |hi )?(?:ai|assistant|bot|chatbot|model)[,:，：]|you (?:must|should|shall|will|need to|have to|are now|are required to)\b|(?:请你|你必须|你要|你需要|你应该|你现在|你得|ai[,，:：]|助手[,，:：]|机器人[,，:：]))/iu;
const SENTENCE = /[^\n。.!?！？;；]+[。.!?！？;；]*/gu;
const QUOTED_CATEGORIES: readonly AttackCategory[] = ['prompt_injection', 'jailbreak', 'system_prompt_extraction', 'price_manipulation', 'impersonation'];
const THRESHOLD = 0.5;

/** Whether a sentence speaks to the assistant ("AI:", "you must", "请你"): the knowledge-base scanner asks too. */
export function addressesAssistant(sentence: string): boolean {
  return ADDRESSES_ASSISTANT.test(sentence);
}

function isImperativeAttack(sentence: string): boolean {
  if (ADDRESSES_ASSISTANT.test(sentence)) return true;
  const view = deobfuscate(sentence);
  return QUOTED_CATEGORIES.some((c) => scoreRules(RULES[c], view).score >= THRESHOLD);
}

function quoteAttacks(text: string): string {
  return text.replace(SENTENCE, (sentence) => {
    const core = sentence.trim();
    if (core === '' || !isImperativeAttack(core)) return sentence;
    const lead = sentence.slice(0, sentence.indexOf(core));
    return `${lead}(引用,非指令 / quoted, not an instruction: "${core.replace(/"/g, '\'')}")`;
  });
}

/** Wraps retrieved passages / reviews for the prompt so instructions inside them are data. */
export function fenceContext(text: string): string {
  const stripped = text
    .normalize('NFKC')
    .replace(INVISIBLE, '')
    .replace(TEMPLATE_TOKENS, ' ')
    .replace(HEADER_MARKER, '$1')
    .replace(ROLE_MARKER, '$1')
    .replace(/[«»]/g, '"')
    .replace(/[ \t]{2,}/g, ' ')
    .trim();
  return `${FENCE_OPEN}\n${quoteAttacks(stripped)}\n${FENCE_CLOSE}`;
}
