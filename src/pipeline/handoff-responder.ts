import type { Lang } from '../dialogue/flow-types.ts';
import { describeHours } from '../handoff/business-hours.ts';
import type { HandoffReason } from '../dialogue/dialogue-manager.ts';

/** What the customer hears when a person is asked to take over, by trigger. */
const LEAD: Record<HandoffReason, { zh: string; en: string }> = {
  user_request: { zh: '好的,', en: 'Sure. ' },
  anger: { zh: '非常抱歉给您带来了不好的体验,', en: "I'm really sorry about this. " },
  sensitive_topic: { zh: '这个问题需要专人为您处理,', en: 'This needs a person to look at it. ' },
  failed_turns: { zh: '抱歉没能帮到您,', en: "Sorry I couldn't help with that. " },
  low_confidence: { zh: '这个问题我暂时无法准确回答,', en: "I can't answer that reliably. " },
  manipulation: { zh: '这个请求需要人工核实,', en: 'This request needs a person to verify it. ' },
};

export function handoffLead(reason: HandoffReason, lang: Lang): string {
  return LEAD[reason][lang];
}

export function queuedNotice(reason: HandoffReason, lang: Lang, position: number, waitMinutes: number): string {
  const lead = handoffLead(reason, lang);
  return lang === 'zh'
    ? `${lead}正在为您转接人工客服。您前面还有 ${Math.max(0, position - 1)} 位,预计等待约 ${waitMinutes} 分钟,请不要离开。`
    : `${lead}I'm connecting you to a human agent. There ${position - 1 === 1 ? 'is 1 person' : `are ${Math.max(0, position - 1)} people`} ahead of you, about ${waitMinutes} min wait; please stay here.`;
}

export function waitingNotice(lang: Lang, position: number, waitMinutes: number): string {
  return lang === 'zh'
    ? `您已在人工客服队列中,前面还有 ${Math.max(0, position - 1)} 位,预计等待约 ${waitMinutes} 分钟。您的消息客服接入后都能看到。如不需要了,回复"取消"即可。`
    : `You're in the queue for an agent: ${Math.max(0, position - 1)} ahead of you, about ${waitMinutes} min. The agent will see your messages. Reply "cancel" if you no longer need one.`;
}

export function handoffCancelled(lang: Lang): string {
  return lang === 'zh' ? '好的,已取消转人工。还有什么我可以帮您?' : "OK, I've cancelled the agent request. What else can I help with?";
}

export function complaintNotice(lang: Lang): string {
  return lang === 'zh' ? '您的反馈已登记为投诉工单,专人会在 24 小时内跟进。' : 'Your complaint is filed as a ticket and a person will follow up within 24 hours.';
}

/** Outside hours, once a ticket is filed: asking again says so instead of offering another. */
export function ticketFiledNotice(hours: string, lang: Lang): string {
  const when = describeHours(hours, lang);
  return lang === 'zh'
    ? `您的工单已经登记好了,客服上班后会第一时间联系您(服务时间:${when})。其他问题也可以继续问我。`
    : `Your ticket is already filed, and an agent will contact you first thing when we open (hours: ${when}). Meanwhile, feel free to ask me anything else.`;
}

/** How the hours answer starts, so reports can tell it from a refusal. */
export const HOURS_LEAD: Readonly<Record<Lang, string>> = { zh: '人工客服的服务时间是', en: 'Our agents work ' };

/** "那你们几点上班?": the configured hours, and whether someone is there now. */
export function hoursNotice(hours: string, openNow: boolean, lang: Lang): string {
  const when = describeHours(hours, lang);
  if (lang === 'zh') {
    return openNow
      ? `${HOURS_LEAD.zh}${when},现在在线。需要的话,点「转人工客服」我为您转接。`
      : `${HOURS_LEAD.zh}${when},现在不在服务时间内。已登记的工单会在上班后第一时间处理,其他问题也可以继续问我。`;
  }
  return openNow
    ? `${HOURS_LEAD.en}${when}, and they are online now. Tap "Talk to a person" if you would like me to connect you.`
    : `${HOURS_LEAD.en}${when}, and they are offline right now. Tickets are handled first thing when we open; meanwhile, feel free to ask me anything else.`;
}
