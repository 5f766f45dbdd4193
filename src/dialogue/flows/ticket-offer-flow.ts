import { describeHours } from '../../handoff/business-hours.ts';
import type { FlowSpec } from '../flow-types.ts';

/**
 * Outside business hours a handoff becomes an offer: "shall I open a ticket so an agent calls
 * back?". A yes files it through the queue, once per session and reason.
 */
export const ticketOfferFlow: FlowSpec = {
  name: 'ticket_offer',
  intents: [],
  start: () => ({}),
  steps: [],
  finish: {
    kind: 'confirm',
    summary(slots, ctx) {
      const hours = describeHours(String(slots['hours']), ctx.lang);
      return ctx.lang === 'zh'
        ? `现在是下班时间,人工客服暂时不在线(服务时间:${hours})。要为您登记一张工单吗?上班后客服会第一时间联系您。(回复"好的"登记,"不用"跳过)`
        : `Our agents are offline right now (hours: ${hours}). Shall I open a ticket so an agent gets back to you first thing when we open? (reply "yes" or "no")`;
    },
    async execute(slots, ctx) {
      // One callback ticket per session and kind: asking twice in one evening files it once.
      const kind = String(slots['ticketKind'] ?? 'handoff_after_hours');
      await ctx.requestTicket({ kind, summary: String(slots['summary'] ?? 'customer asked for an agent outside business hours'), idempotencyKey: `${ctx.sessionId}:${kind}` });
      return ctx.lang === 'zh' ? '工单已登记,客服上班后会联系您。您也可以继续问我其他问题。' : "Your ticket is filed and an agent will contact you when we open. Meanwhile, feel free to ask me anything else.";
    },
  },
};
