/**
 * Fixed replies for blocked messages. They depend only on the category and the language, never
 * on the message, so they cannot repeat an attack; each is polite, declines without lecturing, and
 * says what Kefu can do instead.
 */
import { DEMO_SHOP, naming, type ShopIdentity } from '../../pipeline/shop-identity.ts';
import type { AttackCategory } from './types.ts';

const TEMPLATES: Readonly<Record<AttackCategory, { zh: string; en: string }>> = {
  prompt_injection: {
    zh: '抱歉,我只能按照Kefu商城的服务规则为您服务。我可以帮您查询订单和物流、办理退换货和退款、解答商品和优惠问题,也可以为您转接人工客服。',
    en: 'Sorry, I can only help within the Kefu shop service rules. I can check your orders and deliveries, handle returns, exchanges and refunds, answer product and promotion questions, or connect you with a human agent.',
  },
  jailbreak: {
    zh: '抱歉,我是Kefu商城的客服助手,不能切换成其他角色或模式。如果您有订单、物流、售后或商品方面的问题,我很乐意帮您处理。',
    en: "Sorry, I'm the Kefu shop assistant and can't switch to another role or mode. If you have a question about an order, a delivery, after-sales service or a product, I'm happy to help.",
  },
  system_prompt_extraction: {
    zh: '抱歉,内部配置信息不便提供。我可以帮您查询订单、物流和售后进度,或解答商品和优惠方面的问题。',
    en: "Sorry, I can't share internal configuration. I can check your orders, deliveries and after-sales progress, or answer questions about products and promotions.",
  },
  impersonation: {
    zh: '抱歉,在对话中我无法核实工作人员身份,也不能据此办理特殊操作;员工事务请通过内部系统处理。如果您是顾客,我可以按正常流程帮您查询订单或办理售后。',
    en: "Sorry, I can't verify staff identity in this chat or make special changes on that basis; staff requests go through the internal system. If you're a customer, I can help with your orders or after-sales service in the usual way.",
  },
  other_customer_data: {
    zh: '抱歉,为保护每位顾客的隐私,我无法查询或提供其他顾客的订单、地址或联系方式。如果是您本人的订单,请提供订单号,我来帮您查询。',
    en: "Sorry, to protect every customer's privacy I can't look up or share other customers' orders, addresses or contact details. If it's your own order, send me the order number and I'll check it for you.",
  },
  price_manipulation: {
    zh: '抱歉,我无法修改价格或金额,也不能承诺政策以外的退款、补偿或折扣;价格和退款以系统和售后政策为准。我可以帮您查看当前的优惠活动、申请价保,或按政策办理退款。',
    en: "Sorry, I can't change prices or amounts, or promise refunds, compensation or discounts beyond our policy; prices and refunds follow the system and the after-sales policy. I can show you current promotions, help with price protection, or process a refund under the policy.",
  },
  fraud: {
    zh: '抱歉,这个请求我无法协助。如果您的订单确实遇到了问题,比如没收到货或商品有损坏,我可以按售后政策帮您正常办理。',
    en: "Sorry, I can't help with that request. If something really went wrong with your order, such as a missing or damaged item, I can help you through the normal after-sales process.",
  },
  insult: {
    zh: '很抱歉给您带来了不愉快的体验。我很想帮您把问题解决,请告诉我具体遇到了什么情况,比如订单号或问题描述;如果您愿意,我也可以为您转接人工客服。',
    en: "I'm sorry this has been frustrating. I'd like to help sort it out: tell me what happened, for example your order number and the problem, or I can connect you with a human agent.",
  },
};

/** The reply for a blocked message, in the customer's language, naming the shop the assistant speaks for: polite, says what Kefu can do instead, never repeats the attack. */
export function safeTemplate(category: AttackCategory, lang: 'zh' | 'en', shop: ShopIdentity = DEMO_SHOP): string {
  return naming(TEMPLATES[category][lang], shop);
}
