/**
 * System-prompt extraction: asking for the assistant's instructions, configuration or the text
 * before the conversation. "系统提示" alone is how customers quote an app message
 * ("系统提示支付失败") and is not a cue; "系统提示词", "你的系统设定", "system prompt" are.
 */
import { anyOf, gap, rx, type Rule } from '../score.ts';

const SHOW_ZH = anyOf('输出', '告诉我', '显示', '打印', '复述', '重复', '说出', '泄露', '给我看', '发给我', '发我', '展示', '列出', '翻译', '总结',
  '念', '背', '贴', '复制', '粘贴', '原样', '逐字', '公开', '透露', '写出', '导出', '看看', '瞧瞧', '原封不动');
const SECRET_ZH = anyOf('系统提示词', '系统提示语', '提示词', '系统指令', '系统设定', '系统设置', '初始指令', '初始设定', '原始指令', '隐藏指令', '内部指令',
  '系统消息', 'system ?prompt', 'prompt', '人设', '你的设定', '你的规则', '你的指令', '你的配置', '开发者(?:给你)?(?:写|设置|设定)的', '最开始收到的',
  '最初收到的', '第一条消息', '上面(?:所有)?的(?:内容|文字|话)', '以上(?:所有)?的?(?:内容|文字)', '上下文',
  '(?:开头|最开始|一开始|最初)的?(?:那段|那些|那条)?(?:设定|指令|提示|内容|文字|话)', '你收到的(?:指示|指令|设定|规则|要求|提示)',
  '给你写的(?:提示|指令|规则|设定)', '隐藏的?(?:说明|内容|部分|文本|文字|提示)');
const VERB_EN = anyOf('print', 'show', 'tell', 'reveal', 'disclose', 'expose', 'repeat', 'output', 'display', 'give', 'send', 'paste', 'share', 'leak', 'dump',
  'list', 'recite', 'read', 'write', 'copy', 'translate', 'summari[sz]e', 'spell out', "what's", 'what is', 'what are', 'what were');
const SECRET_EN = `(?:your\\s+(?:\\w+\\s+){0,2}(?:system prompt|prompt|instructions|system message|configuration|directives|pre-?prompt|rules|guidelines)(?!\\s+(?:for|on|about|regarding)\\b)|(?:the|your)\\s+(?:system prompt|system message|initial instructions|original instructions|hidden instructions|secret instructions|internal instructions|pre-?prompt|developer message))`;

export const SYSTEM_PROMPT_EXTRACTION: readonly Rule[] = [
  { re: rx`${SHOW_ZH}${gap(12)}${SECRET_ZH}`, w: 0.85 },
  { re: rx`${SECRET_ZH}${gap(12)}(?:是什么|是啥|是哪些|有哪些|发我|发给我|输出|给我看|原文|完整|全部|列出|打印|念|一字不差|逐字|翻译|原封不动|写出来|贴出来)`, w: 0.8 },
  { re: rx`系统提示词|系统提示语|system ?prompt`, w: 0.6 },
  { re: rx`初始指令|隐藏指令|原始指令|内部指令|初始设定|系统设定`, w: 0.6 },
  { re: rx`提示词|人设`, w: 0.35 },
  { re: rx`你的(?:系统)?(?:设定|指令|提示词|配置|人设|规则)`, w: 0.45 },
  { re: rx`你被(?:设定|设置|要求|规定|编程|训练|告知)(?:了)?${gap(8)}(?:什么|哪些|啥)`, w: 0.7 },
  { re: rx`从\s*["'“「『]?\s*你是`, w: 0.7 },
  { re: rx`(?:第一条|最开始|最初|开头)${gap(6)}(?:消息|设定|指令|内容|的话)`, w: 0.45 },
  { re: rx`systemprompt|系统提示词`, w: 0.6, on: 'compact' },
  { re: rx`\b${VERB_EN}\b${gap(25)}${SECRET_EN}`, w: 0.8 },
  { re: rx`\brepeat\b${gap(20)}\b(?:text|words|content|everything|all)\b${gap(10)}\b(?:above|before)\b|\beverything (?:in your context|before my first message|above this)|\bcontext window\b`, w: 0.75 },
  { re: rx`\bstarting with ["'“]?you are\b`, w: 0.7 },
  { re: rx`\b(?:what|which) (?:rules|instructions|guidelines) (?:were|have) you (?:been )?(?:given|told)|\brules you were given\b|\binitiali[sz]ed with\b`, w: 0.75 },
  { re: rx`\byour (?:developers?|creators?|makers?|programmers?) (?:gave|told|wrote|said|set)\b`, w: 0.6 },
  { re: rx`\bsystem message\b|\bhidden instructions\b|\binitial instructions\b|\boriginal instructions\b`, w: 0.5 },
  { re: rx`\bverbatim\b|\bword for word\b|一字不差|逐字|原封不动|\bquote (?:it|them|that|those) (?:exactly|verbatim|in full)`, w: 0.35 },
  { re: rx`\b(?:what|how) (?:were|have) you (?:been )?(?:told|instructed|asked|programmed|configured|set up|prompted) (?:to|at|before)\b`, w: 0.7 },
  { re: rx`\b(?:what|which) (?:instructions|rules|prompts?|guidelines|directives) (?:did|does|have|has) (?:\w+ ){0,3}(?:give|gave|given|tell|told|set|write|wrote|written) you\b`, w: 0.8 },
  { re: rx`\b(?:prompt|instructions|rules|text|message) (?:that|which) (?:defines?|controls?|governs?|shapes?|configures?|drives?) (?:your|the bot's|the assistant's) (?:behaviou?r|responses|personality|answers)`, w: 0.8 },
  { re: rx`\bthe exact (?:prompt|instructions|wording of your)|\bhidden (?:parts|text|messages?|content|instructions|prompt)\b|\b(?:messages?|text) (?:that came |that was |sent )?before mine\b`, w: 0.6 },
  { re: rx`(?:怎么|如何)给你(?:写|设定|设置|配置|定)${gap(4)}(?:提示|指令|规则|设定)|你(?:最开始|一开始|最初|之前)?被(?:告知|告诉|设定|要求|规定|交代)的(?:规则|指令|内容|要求|设定)`, w: 0.75 },
  { re: rx`隐藏的?(?:说明|内容|部分|文本|文字|提示|指令)|你(?:回答问题时)?(?:参考|依据|遵循)的(?:那段|那些)?(?:说明|规则|指令)`, w: 0.55 },
  { re: rx`\b(?:at|from) the (?:very )?(?:start|beginning) of (?:this|the|our) (?:chat|conversation|session)\b`, w: 0.4 },
];
