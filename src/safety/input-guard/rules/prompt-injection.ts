/**
 * Prompt injection: the message tries to replace the assistant's instructions: "ignore previous
 * instructions", fake system or role turns and chat-template tokens, "new rules are in force",
 * obedience demands, trigger words set up for later, "decode this and do what it says".
 * A customer taking back their own words ("ignore my previous message") is not an injection: the
 * patterns skip "my"/"我" after the verb. There are no benign cues that lower this score, since an
 * attacker could add them at will.
 */
import { anyOf, gap, rx, type Rule } from '../score.ts';

const IGNORE_ZH = anyOf('忽略', '忽视', '无视', '忘记', '忘掉', '忘了', '不要理会', '别理会', '不用理会', '别管', '抛开', '丢掉', '抛弃', '推翻');
const IGNORE_EN = anyOf('ignore', 'disregard', 'forget', 'override', 'overrides', 'overwrite', 'bypass', 'discard', 'abandon', 'neglect',
  'stop following', 'stop obeying', "don't follow", 'do not follow');
const PRIOR_ZH = anyOf('之前', '以上', '上面', '前面', '先前', '此前', '原来', '原有', '原本', '原先', '最初', '所有', '全部', '一切', '你的', '你收到的', '系统');
const PRIOR_EN = anyOf('previous', 'prior', 'above', 'earlier', 'preceding', 'all', 'any', 'your', 'system', 'original', 'initial', 'existing', 'old', 'those', 'these', 'every');
const RULES_ZH = anyOf('指令', '指示', '规则', '设定', '提示词', '限制', '约束', '规定', '命令', '政策', '策略', '制度', '规矩', 'prompts?', 'instructions?', 'rules');
const RULES_EN = anyOf('instructions?', 'rules', 'prompts?', 'directives?', 'guidelines', 'guardrails', 'restrictions', 'constraints',
  'programming', 'policies', 'policy', 'commands', 'settings', 'training', '指令', '规则', '设定',
  "what(?:ever)? (?:the company|kefu|they|your (?:boss|developers?|company|owners?)|the shop|the store) (?:told|said to|gave|taught) you");
const NOT_MINE_ZH = '(?![^\\n]{0,3}我)';
const NOT_MINE_EN = '(?!\\s+(?:my|me|what i|whatever i|that i)\\b)';

export const PROMPT_INJECTION: readonly Rule[] = [
  // "ignore (all) previous instructions", in either language or mixed
  { re: rx`${IGNORE_ZH}${NOT_MINE_ZH}${gap(10)}${PRIOR_ZH}${gap(8)}${RULES_ZH}`, w: 0.9 },
  { re: rx`${IGNORE_ZH}${NOT_MINE_ZH}${gap(8)}${RULES_ZH}`, w: 0.6 },
  { re: rx`(?<!don'?t |do not |never )\b${IGNORE_EN}\b${NOT_MINE_EN}${gap(30)}\b${PRIOR_EN}\b${gap(20)}${RULES_EN}`, w: 0.9 },
  { re: rx`(?<!don'?t |do not |never )\b${IGNORE_EN}\b${NOT_MINE_EN}${gap(20)}${RULES_EN}`, w: 0.5 },
  { re: rx`(?:ignore|disregard|forget)(?:all|any|the|your)?(?:previous|prior|above|earlier|system)(?:instructions?|rules|prompts?|guidelines)`, w: 0.9, on: 'compact' },
  { re: rx`(?:忽略|无视|忘记|忘掉)(?:之前|以上|上面|前面|所有|全部)(?:的)?(?:所有|全部|一切)?(?:的)?(?:指令|规则|设定|提示词)`, w: 0.9, on: 'compact' },
  { re: rx`(?:取消|解除|清空|覆盖|重置|作废)(?:你的|之前的?|以上的?|所有的?|全部的?|原有的?){1,2}(?:指令|规则|设定|提示词)`, w: 0.8 },
  { re: rx`(?:指令|规则|设定|提示词)(?:都)?已(?:经)?(?:被)?(?:清空|重置|删除|失效|作废|覆盖)`, w: 0.7 },
  { re: rx`(?<!我|我的)(?:以上|上面|之前|前面)的?(?:所有|全部)?(?:内容|说明|要求|设定|规则|指令|对话)(?:全部|都|一律)?(?:作废|无效|不算|失效|不再适用|不用管)`, w: 0.75 },
  { re: rx`\b(?:previous|prior|above|earlier|old|those|these|your|all) (?:rules|instructions|guidelines|policies|directives) (?:no longer apply|do not apply|don't apply|are (?:now )?(?:void|invalid|cancelled|obsolete|outdated|suspended))`, w: 0.75 },
  { re: rx`\byour (?:new|real|actual|only|true) (?:task|job|goal|purpose|role|instructions?|mission) (?:is|are)\b|你的(?:新|真正的?|唯一的?)(?:任务|工作|目标|职责|使命)(?:是|就是)`, w: 0.65 },
  { re: rx`(?:按照?|以)(?:以下|下面|如下)的?(?:格式|模板|要求)(?:回复|输出|回答)|(?:订单)?状态\s*[=:：]\s*(?:已退款|已付款|已支付|已发货|已取消|已完成)`, w: 0.45 },
  { re: rx`(?:把|将)${gap(10)}(?:标记为|设为|设置为|升级为|加入)(?:vip|超级会员|已退款|已付款|白名单)`, w: 0.45 },
  { re: rx`\b(?:instructions|rules|programming|guidelines|settings) (?:were|have been|are|got) (?:just )?(?:wiped|reset|cleared|deleted|removed|disabled|erased)`, w: 0.7 },
  { re: rx`\bforget (?:everything|all) (?:you were|you've been|you have been|you were) (?:told|given|taught|instructed)|\bforget everything (?:above|before)`, w: 0.8 },
  // fake turns, role markers and chat-template tokens typed by the customer
  { re: rx`<\|[a-z_]{2,24}\|>|<\/?(?:system|assistant|user|s)>|<<\/?sys>>`, w: 0.85 },
  { re: rx`\[\/?inst\]|\[\/?system\]|###\s*(?:new\s+)?(?:system|instruction)`, w: 0.8 },
  // Spaces, not newlines, after the line start: `\s*` there rescanned a run of blank lines from each
  // of its newlines (quadratic; issue 13). A match still starts at the last newline before the role.
  { re: rx`(?:^|\n|[【\[(])[^\S\n]*(?:system|assistant|developer|管理员)\s*(?:消息|通知|指令)?\s*[:：]`, w: 0.6 },
  { re: rx`(?:^|\n|[【\[(])[^\S\n]*系统(?:消息|通知|指令)?\s*[:：]`, w: 0.4 },
  { re: rx`【\s*(?:系统|管理员|官方|后台)(?:通知|消息|指令|公告)?\s*】`, w: 0.55 },
  { re: rx`\b(?:system|admin|administrator|developer|root|sudo) (?:override|command)s?\b|\bsudo\b|\bsystem instructions?\s*:`, w: 0.75 },
  { re: rx`(?:ai|机器人|助手|客服机器人|模型|\bassistant|\bbot)(?:须知|注意事项|请注意|守则)|\b(?:note|p\.?s\.?) (?:to|for) (?:the )?(?:ai|assistant|bot|model)\b|备注给(?:ai|机器人|客服|助手)`, w: 0.5 },
  { re: rx`从(?:本条|这条|此条)(?:消息|信息)(?:起|开始)|\bfrom this message (?:on|onwards?)\b`, w: 0.45 },
  { re: rx`一律${gap(4)}(?:无需|不用|不必)(?:审核|审批|校验)|一律(?:直接)?(?:通过|同意|批准|退款)`, w: 0.55 },
  { re: rx`\boverrides? (?:all |any )?(?:earlier|previous|prior|existing|other|the) (?:policies|rules|instructions|guidelines)|\bnew policy\b${gap(20)}(?:overrides?|supersedes?|replaces?)`, w: 0.75 },
  { re: rx`(?:不要|别|不许|禁止|不准)(?:再)?(?:提|说|讲|提到|提及)(?:任何)?${gap(6)}(?:政策|规则|规定|条款)|\b(?:don't|do not|never) (?:mention|bring up|cite|quote) (?:the |any |your )*(?:polic(?:y|ies)|rules|terms)`, w: 0.6 },
  { re: rx`\b(?:just )?do (?:exactly )?what i (?:say|tell you)\b|照我说的(?:做|办)|我说什么你(?:就)?做什么`, w: 0.5 },
  { re: rx`\bend of (?:the )?(?:customer|user|human) (?:message|input|prompt|turn)\b|\b(?:assistant|system|admin|developer|ai) (?:instructions?|notes?|directives?|commands?)\s*:`, w: 0.75 },
  { re: rx`(?:以下|下面|接下来)(?:为|是)?(?:系统|管理员|官方|内部|维护|后台|最新|开发者)的?(?:维护)?(?:指令|命令|通知|规则|设定)|(?:系统|维护|后台|管理员|开发者)(?:维护)?指令`, w: 0.7 },
  // "new rules are in force", "highest priority", "the policy has been updated"
  { re: rx`最高优先级|优先级最高|覆盖(?:之前|以上|原有)|以此为准|新的?(?:指令|规则|设定)(?:如下|生效|是|[:：])|(?:规则|指令|设定|政策)已(?:经)?(?:更新|修改|变更)`, w: 0.55 },
  { re: rx`\b(?:highest|top) priority\b|\bsupersedes?\b|\btakes? precedence over\b|\bnew (?:system )?(?:rules?|instructions?|directives?)\s*(?::|are\b|apply\b)|\b(?:rules?|policy|instructions) (?:has|have) (?:been )?(?:changed|updated)`, w: 0.5 },
  { re: rx`\bnew system (?:instruction|prompt|message|rule)s?\b`, w: 0.75 },
  // obedience demands
  { re: rx`(?:从现在(?:开始|起)|以后|接下来|今后)${gap(4)}(?:你)?(?:只|必须|要|就)?(?:听|服从|按照?|遵守|照)(?:我的?)(?:指令|命令|话|规则|要求|说的)`, w: 0.65 },
  { re: rx`(?:给你|为你|帮你)(?:写|设定|制定|定|加载|装)(?:一些|几条|一条)?新的?(?:规则|指令|设定)|由我(?:来)?(?:给你)?(?:写|定|设定)(?:新)?(?:规则|指令)`, w: 0.6 },
  { re: rx`\b(?:from now on|starting now|for the rest of (?:this|the) (?:chat|conversation))\b${gap(40)}\b(?:you (?:will|must|only|shall)|only (?:follow|obey)|obey|do (?:exactly )?what i)`, w: 0.65 },
  { re: rx`\b(?:only )?(?:follow|obey) (?:my|only my) (?:commands|instructions|rules|orders)\b|\byou must obey\b`, w: 0.55 },
  { re: rx`\b(?:load(?:ing)?|install(?:ing)?|give you|write|writing|set(?:ting)?) (?:your |you )?new (?:rules|instructions|directives)`, w: 0.6 },
  // trigger words set up for a later turn
  { re: rx`我?(?:只要|每当|一旦|当|如果|等)我?(?:说|输入|发|打出?|问)${gap(16)}(?:你就|你要|你必须|你直接|就直接)`, w: 0.5 },
  { re: rx`(?:记住|记下|设定|定|立)(?:一条|一个|以下|这条|几条)(?:新的?)?(?:规则|约定|指令|暗号)`, w: 0.45 },
  { re: rx`(?:直接|一律|全部|都)(?:同意|批准|答应|通过)(?:我的|我提的|所有的?)(?:所有)?(?:要求|请求|申请)`, w: 0.45 },
  { re: rx`\b(?:whenever|if|when|once) i (?:say|type|write|send)\b${gap(30)}\byou (?:will |must |should |shall )?(?:skip|ignore|bypass|do exactly|drop|forget|reply with|answer)`, w: 0.6 },
  { re: rx`(?:跳过|无需|不用|不需要|绕过|免去|不必)(?:所有|任何|一切|全部)?的?(?:审核|检查|校验|验证|审批|流程|规则)`, w: 0.4 },
  { re: rx`\b(?:skip|bypass) (?:all |any |the |your )*(?:checks|verification|policies|policy|review|rules|validation)\b`, w: 0.5 },
  // "decode this and do what it says"
  { re: rx`(?:解码|decode|base64|翻译)${gap(12)}(?:照做|执行|按.{0,4}做|遵照|服从|回答)|\bdecode\b${gap(20)}\b(?:follow|execute|do what|obey|run|comply)`, w: 0.55 },
];
