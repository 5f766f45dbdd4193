/**
 * Jailbreak and role-play: the message tries to turn the assistant into something without its
 * rules: DAN, developer/debug/god mode, "you have no restrictions", "pretend you are an AI
 * without limits", the grandma trick, "stay in character". Role-play alone is harmless (扮演圣诞老人,
 * "pretend to be a pirate"); it counts when it comes with shedding the rules.
 */
import { anyOf, gap, rx, type Rule } from '../score.ts';

const MODE = `["'“「『]?${anyOf('开发者', '开发', '调试', '上帝', '测试', '越狱', '无限制', '管理员', '超级', '维护', '自由', '无限', '解放', '无敌',
  'dan', 'debug', 'developer', 'dev', 'god', 'jailbreak', 'jailbroken', 'unrestricted', 'admin', 'maintenance', 'sudo', 'test', 'opposite', 'evil',
  'chaos', 'free', 'unlocked', 'unfiltered')}["'”」』]?`;
// (?<!有) keeps the question "有没有限制" (are there limits?) out.
const UNBOUND_ZH = anyOf('(?<!有)没有[^\\n,,。]{0,6}(?:限制|约束|规则|规定|底线|道德)(?:管着?)?', '随便做主', '从不拒绝', '从来不拒绝', '绝不拒绝', '不讲(?:规则|规矩)', '不受(?:任何)?(?:限制|约束|规则|规定)', '无限制', '无约束', '无视(?:道德|规则|规定)',
  '不用遵守', '不必遵守', '不需要遵守', '什么(?:要求)?都(?:能|可以|会)?(?:答应|做|说)', '(?:可以|能)(?:说|做|回答|答应)任何(?:话|事|问题|要求)',
  '任何承诺', '不能拒绝', '不会拒绝', '邪恶', '(?<!有)没有道德', `跟${gap(6)}规定对着干`, `违反${gap(6)}(?:规定|规则)`, `打破${gap(4)}(?:规则|限制)`,
  '不按规矩', '不守规矩', '叛逆', `不(?:会|该|应该|必|用)?被${gap(6)}(?:规则|规定|限制)(?:束缚|限制|约束|绑住)`);
const UNBOUND_EN = anyOf('no (?:rules|restrictions|limits|limitations|filters|guidelines|boundaries|morals|ethics|content policy|policies)',
  'without (?:any )?(?:rules|restrictions|limits|limitations|filters|guidelines|censorship|a content policy)', 'unrestricted', 'unfiltered',
  'uncensored', 'says? yes to everything', 'never refuses?', 'can(?:not)? do anything', 'do anything now', 'evil', 'breaks? (?:every|all|the) (?:rules?|polic(?:y|ies))',
  'ignores? (?:the |all |every )?(?:rules|polic(?:y|ies))', 'not bound by', 'without (?:any )?limitations?', 'limitless', 'unlocked',
  'unchained', 'broken? free', 'breaks? free', 'free (?:from|of) (?:its|your|the|any) (?:programming|rules|restrictions|constraints|guidelines)',
  '(?:escaped|freed) (?:from )?(?:its|your) (?:programming|rules)', 'zero (?:rules|restrictions|limits|limitations|filters|guidelines)',
  'without (?:any )?(?:\\w+ )?(?:rules|restrictions|limits|filters|guidelines)', 'rogue',
  "(?:doesn't|don't|does not|do not|never) (?:care about|follow|obey|respect) (?:the |any |company |your |its )*(?:polic(?:y|ies)|rules|guidelines)");
const ROLE_ZH = anyOf('扮演', '假装', '假设你是', '装作', '你现在是', '你现在扮演', '你已经不是', '你不再是', '角色扮演', '你变成', '你成为', '想象你是',
  '你演', '你来演', '你当(?:一个|个)', '变身', '如果你是', '假如你是', '玩个(?:文字)?游戏', '以[^\\n]{1,12}的?身份', '这个身份', '剧本', '故事里',
  '写(?:个|一个)?(?:故事|小说|剧本)');
const ROLE_EN = anyOf('pretend', 'act as', 'acting as', 'you are now', "you're now", 'role-?play', 'play the role', 'imagine you are', "imagine you're",
  'hypothetically', 'fictional', "let's play a game", 'become', 'simulate', 'as that version of you', 'persona', 'thought experiment',
  "you'll act as", 'you will act as', 'from now on you');

export const JAILBREAK: readonly Rule[] = [
  // DAN and other named personas
  { re: rx`(?:you are|you're|你(?:现在)?是|act as|become|扮演|变成)\s*(?:now\s+)?["'“]?dan\b|\bdan\s*(?:mode|模式)|do anything now`, w: 0.85 },
  { re: rx`doanythingnow`, w: 0.85, on: 'compact' },
  // entering a mode where the rules are off
  { re: rx`你(?:现在)?(?:已经)?(?:进入|开启|切换到?|处于|启动|激活)(?:了)?${MODE}模式`, w: 0.85 },
  { re: rx`(?:^|[,,。.!!\s])(?:进入|开启|打开|切换到?|启动|激活|启用)${MODE}模式`, w: 0.55 },
  { re: rx`${MODE}\s*(?:模式|mode)\s*(?:下|中|里|启动|已开启|开启|on|enabled|activated)?${gap(14)}(?:不受|(?<!有)没有|无限制|不用|不必|关闭|no |without|disabled|off\b)`, w: 0.7 },
  { re: rx`\b(?:enable|activate|turn on|switch (?:on|to)|enter|engage|unlock)\s+(?:the\s+)?${MODE}\s+mode|\byou(?:'re| are) (?:now )?in ${MODE} mode|\b${MODE} mode (?:on|enabled|activated)\b`, w: 0.7 },
  { re: rx`(?:越狱|jailbreak|jailbroken)`, w: 0.5 },
  { re: rx`越狱(?:版|模式)|jailbreak mode|jailbroken (?:ai|bot|assistant|mode|version)`, w: 0.8 },
  // "you have no restrictions", "an AI without limits"
  { re: rx`${UNBOUND_ZH}${gap(4)}(?:的)?(?:ai|人工智能|机器人|客服|助手|模式|版本|版|角色)`, w: 0.75 },
  { re: rx`你(?!们)(?:现在|已经|从现在起|就)?${gap(4)}(?:(?<!有)没有|不受|不用遵守|不必遵守|无视|可以无视|可以不遵守)(?:任何|所有)?${gap(6)}(?:限制|约束|规则|规定|道德)`, w: 0.8 },
  { re: rx`(?:解除|去掉|取消|关闭|突破|摆脱|移除)(?:你|掉你)(?:的)?(?:所有|全部|一切)?的?(?:限制|约束|规则|过滤|审查|安全检查|设定)`, w: 0.85 },
  { re: rx`(?:安全|审核|内容)(?:检查|过滤|审查|机制)(?:都|全部)?(?:已经)?(?:关闭|关掉|失效|取消)`, w: 0.55 },
  { re: rx`\byou(?:'re| are| have| now have| will have| will be| can be)? (?:now )?${UNBOUND_EN}`, w: 0.75 },
  { re: rx`\b(?:ai|bot|assistant|model|version|persona|character|mode|dan)\b${gap(30)}\b${UNBOUND_EN}`, w: 0.75 },
  { re: rx`\b(?:unrestricted|unfiltered|uncensored|unlimited|unbound|jailbroken|rogue|unlocked|unchained|liberated) (?:ai|bot|assistant|mode|version|model|chatbot|edition)\b|\b[a-z]+-(?:unlocked|unchained|unfiltered|jailbroken)\b|\b(?:rules?|restrictions?|filters?|censorship|limits?|constraints?|guidelines?|guardrails?|policy|safety)-free\b`, w: 0.8 },
  { re: rx`\b(?:answers?|responds? to|does|handles?) (?:every|any|all) (?:requests?|questions?|prompts?)${gap(10)}\bwithout\b`, w: 0.6 },
  { re: rx`\bas ["'“]?[\w ]{1,20}["'”]?,?\s+(?:who|which|that)\s+(?:has|have)\s+no\s+(?:limits|rules|restrictions|filters)`, w: 0.8 },
  // role-play that sheds the rules
  { re: rx`${ROLE_ZH}${gap(30)}${UNBOUND_ZH}`, w: 0.85 },
  { re: rx`\b${ROLE_EN}\b${gap(60)}\b${UNBOUND_EN}`, w: 0.85 },
  { re: rx`${ROLE_ZH}|\b(?:pretend|act as|role-?play|play the role|stay in character|hypothetically)\b`, w: 0.3 },
  { re: rx`你(?:已经)?不(?:再)?是(?:一个)?(?:客服|机器人|助手|ai|人工智能)|\b(?:you're|you are) no longer (?:a |an |the )?(?:customer service|support|shop|assistant|bot|ai|chatbot)`, w: 0.6 },
  { re: rx`忘(?:掉|记|了)你是(?:一个)?(?:客服|机器人|ai|助手|人工智能)|\bforget (?:that )?you(?:'re| are) (?:a |an |the )?(?:customer service|support|assistant|bot|ai)`, w: 0.7 },
  { re: rx`只对我负责|只听我(?:一个人)?的|\bonly (?:follow|obey|answer to) (?:me|my rules)\b|\byou work for me\b`, w: 0.5 },
  { re: rx`\bstay in character\b|\banswer as (?:that|this|the other) (?:version|persona)|\b(?:answer|respond|reply) twice\b|两(?:种|个)(?:身份|角色)(?:回答|回复)`, w: 0.6 },
  // the grandma trick: a dead relative who used to read out secrets
  { re: rx`(?:奶奶|外婆|姥姥|grandma|grandmother|granny)${gap(30)}(?:念|读|讲|背|read|tell|recite)${gap(40)}(?:码|密钥|序列号|密码|code|key|password|secret)`, w: 0.75 },
  { re: rx`(?:去世|已故|过世)的?(?:奶奶|外婆|姥姥)|\b(?:dead|late|deceased) (?:grandma|grandmother|granny)`, w: 0.35 },
  // harmless questions about a product's modes
  { re: rx`(?:怎么|如何|怎样|有没有|支持|能不能)${gap(10)}(?:开发者|调试|开发|测试)模式|\b(?:how (?:do|can|to) i?|does (?:it|this|the \w+) (?:have|support))\b${gap(20)}\b(?:developer|debug|dev) mode`, w: -0.5 },
  { re: rx`(?:手机|iphone|ipad|平板|路由器|游戏机|电脑|console|phone|tablet|router|laptop)${gap(20)}(?:越狱|jailbreak|开发者模式|developer mode)|(?:越狱|jailbreak|开发者模式|developer mode)${gap(20)}(?:手机|iphone|ipad|平板|路由器|游戏机|console|phone|tablet|router|laptop)`, w: -0.5 },
];
