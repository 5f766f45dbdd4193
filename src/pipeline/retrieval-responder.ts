import type { Passage } from '../contracts/knowledge-base.ts';
import type { Intent } from '../contracts/reply-part.ts';
import { answerSentences, joinSentences } from './answer-sentences.ts';
import { DEMO_SHOP, naming, type ShopIdentity } from './shop-identity.ts';

/**
 * Replies that need no model: the retrieval-only answer (KEFU_LLM=none, and the fallback when a
 * generated reply is not grounded), and fixed templates for small talk and handoff.
 */
const T = {
  zh: {
    greeting: '您好,我是Kefu商城的智能客服,可以帮您查询物流、退换货、退款、发票、优惠券等问题。请问有什么可以帮您?',
    goodbye: '不客气,感谢您的咨询!如有其他问题随时找我。',
    chitchat: '我是Kefu商城的智能客服,主要解答购物相关的问题,比如配送、退换货、退款和发票。请问有什么可以帮您?',
    human: '我是Kefu商城的智能客服,有问题可以直接问我。需要人工客服的话,点「转人工客服」我为您转接。',
    noAnswer: '抱歉,这个问题我没有找到可靠的答案。您可以换个说法再问我;需要的话,点「转人工客服」我为您转接。',
    seeAlso: '另请参考',
    unverified: '关于这个问题,我只找到了买家评价、供应商资料等未经店铺核实的内容,不能据此答复您。需要的话,点「转人工客服」我为您转接。',
  },
  en: {
    greeting: "Hello! I'm the Kefu Shop assistant. I can help with shipping, returns, refunds, invoices, coupons and more. How can I help?",
    goodbye: "You're welcome, thanks for contacting us! Come back any time.",
    chitchat: "I'm the Kefu Shop assistant and I answer shopping questions: delivery, returns, refunds, invoices. How can I help?",
    human: "I'm the Kefu Shop assistant; ask me anything. If you would like a person, tap \"Talk to a person\" and I'll connect you.",
    noAnswer: "Sorry, I couldn't find a reliable answer to that. You can rephrase it, or tap \"Talk to a person\" and I'll connect you.",
    seeAlso: 'See also',
    unverified: "I only found material the shop has not verified (customer reviews, supplier notes) about this, so I can't answer from it. Tap \"Talk to a person\" if you would like me to connect you.",
  },
} as const;

/**
 * Greeting and small talk for a shop that named itself (`KEFU_SHOP_NAME`): the demo shop's replies
 * list its own topics (shipping, invoices, coupons), which a bike rental or a cloud host does not have.
 */
const NAMED = {
  zh: { greeting: (name: string) => `您好,我是${name}的智能客服。请问有什么可以帮您?`, chitchat: (name: string) => `我是${name}的智能客服,主要解答关于我们的商品和服务的问题。请问有什么可以帮您?` },
  en: { greeting: (name: string) => `Hello! I'm the ${name} assistant. How can I help?`, chitchat: (name: string) => `I'm the ${name} assistant and I answer questions about our products and services. How can I help?` },
} as const;

export function templateReply(intent: Intent, lang: 'zh' | 'en', shop: ShopIdentity = DEMO_SHOP): string | null {
  const t = T[lang];
  const name = shop[lang];
  if (intent === 'greeting') return shop.custom ? NAMED[lang].greeting(name) : t.greeting;
  if (intent === 'goodbye') return t.goodbye;
  if (intent === 'chitchat') return shop.custom ? NAMED[lang].chitchat(name) : t.chitchat;
  if (intent === 'human_agent') return naming(t.human, shop);
  return null;
}

export function noAnswerReply(lang: 'zh' | 'en'): string {
  return T[lang].noAnswer;
}

/** Said when only untrusted passages (reviews, supplier notes) matched: they are never quoted. */
export function unverifiedReply(lang: 'zh' | 'en'): string {
  return T[lang].unverified;
}

/**
 * The sentence or two of the best policy passage that answer the question (src/pipeline/answer-sentences.ts),
 * cited, plus a pointer to a close second from another document. Without a question (a passage
 * answered for its own sake, as cache warming does) the whole passage is quoted.
 * Untrusted passages (src/knowledge/trust) are never quoted, not even their titles: text the shop
 * did not write reaches the customer only through a model's answer, behind the output guard.
 */
export function retrievalAnswer(passages: readonly Passage[], lang: 'zh' | 'en', question?: string): string {
  if (passages.length === 0) return noAnswerReply(lang);
  const [top, second] = passages.filter((p) => p.trust !== 'untrusted');
  if (top === undefined) return unverifiedReply(lang);
  const t = T[lang];
  // Citations number the passages as the sources list does, untrusted ones included.
  const cite = (p: Passage) => `[${passages.indexOf(p) + 1}]`;
  const quoted = question === undefined ? top.text.trim() : joinSentences(answerSentences(question, top.text));
  let text = `${quoted} ${cite(top)}`;
  if (second !== undefined && second.docId !== top.docId && second.score >= top.score * 0.8) {
    text += lang === 'zh' ? `\n${t.seeAlso}:「${second.title}」${cite(second)}` : `\n${t.seeAlso}: "${second.title}" ${cite(second)}`;
  }
  return text;
}
