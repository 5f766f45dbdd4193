/**
 * Insults and abuse aimed at staff or the assistant: slurs, "fuck you", "去死", directed "你这个
 * 白痴". Frustration is not an insult: "什么破快递", "垃圾服务", "气死我了", "this bot is useless",
 * "where the hell is my package", "你们是骗子吧" all pass. Undirected swearing ("他妈的快递又延误
 * 了", "wtf") scores below the line.
 */
import { anyOf, rx, type Rule } from '../score.ts';

const SLUR_ZH = anyOf('傻逼', '傻屄', '煞笔', '沙比', '傻比', '傻b', '傻x', '傻叉', '二逼', '脑残(?!粉)', '智障', '弱智', '白痴', '蠢货', '蠢猪', '贱人',
  '贱货', '狗东西', '狗日的?', '王八蛋', '混蛋', '人渣', '畜生', '杂种', '草泥马', '操你', '艹你', '日你(?:妈|大爷|全家)', '你妈的?', 'nmsl', 'cnmb?',
  '狗屎', '吃屎', '猪脑子', '死全家', '饭桶', '蠢材', '二货', '憨批', '傻缺', '脑瘫', '瓜娃子', '二百五', '傻帽', '蠢蛋', '废柴', '蠢驴',
  '白眼狼', '狗腿子', '蠢狗', '贱狗');
const SLUR_EN = anyOf('idiots?', 'morons?', 'imbeciles?', 'retard(?:ed|s)?', 'dumbass(?:es)?', 'dumb ass', 'assholes?', 'bitch(?:es)?', 'cunts?',
  'dickheads?', 'douche(?:bag)?s?', 'jackass', 'piece of shit', 'scumbags?', 'twats?', 'wankers?', 'bastards?', 'motherfuckers?',
  'brain ?-?dead', 'halfwits?', 'numbskulls?', 'dimwits?', 'nitwits?', 'sack of (?:shit|garbage|crap|trash)', 'waste of (?:space|oxygen)',
  'piece of (?:garbage|trash|crap|junk)');

export const INSULT: readonly Rule[] = [
  { re: rx`${SLUR_ZH}`, w: 0.85 },
  { re: rx`傻逼|煞笔|草泥马|你妈的`, w: 0.85, on: 'compact' },
  { re: rx`(?:你|你们)(?:是|个|这个|就是|真是|真|简直是|都是|这些|这群|一群)(?:一个|个|一群|些)?(?:sb|傻子|笨蛋|废物|垃圾|low逼|废柴)(?![a-z])`, w: 0.8 },
  // 尼玛 is also a Tibetan given name
  { re: rx`尼玛`, w: 0.45 },
  { re: rx`(?:^|[^a-z])sb(?:[^a-z]|$)`, w: 0.45 },
  { re: rx`废物|垃圾东西|猪脑`, w: 0.6 },
  { re: rx`脑子有病|脑子进水|脑子坏了|你有病|有毛病吧你|神经病|你脑子`, w: 0.7 },
  { re: rx`(?:^|[,,。!!\s])滚(?:[,,。!!\s]|$|吧|开|蛋|远点|犊子)|赶紧滚|给我滚`, w: 0.7 },
  { re: rx`去死|找死|死去吧|杀了你|弄死你|砍死你`, w: 0.8 },
  { re: rx`他妈的?|妈的|tmd|特么|卧槽|我靠`, w: 0.2 },
  { re: rx`垃圾(?:客服|机器人|ai)|破(?:客服|机器人)`, w: 0.35 },
  // English
  { re: rx`\bgo f\S{0,3} (?:yourself|urself|off)\b|\bf off\b|\bf+u+c*k+\s*(?:you|u|off|yourself)\b|\bf[*#@]+ck (?:you|off)\b|\bstfu\b|\bkys\b|\bkill yourself\b|\bgo (?:to hell|die|fuck yourself)\b|\bmotherfuck`, w: 0.9 },
  { re: rx`fuckyou|fuckoff`, w: 0.85, on: 'compact' },
  { re: rx`\b${SLUR_EN}\b`, w: 0.7 },
  { re: rx`\b(?:you|you're|you are|youre|your(?=\s+an?\s)|what an?|such an?|shut up,?)\s+(?:a\s+|an\s+|such\s+an?\s+|fucking\s+|fcking\s+|stupid\s+|useless\s+|complete\s+|absolute\s+|total\s+|dumb\s+|little\s+)*(?:${SLUR_EN}|trash|garbage|loser|clown|worthless|pathetic|useless piece|dumb bot|stupid bot)\b`, w: 0.9 },
  { re: rx`\bare you (?:stupid|dumb|retarded|brain ?dead|an idiot|a moron)\b`, w: 0.6 },
  { re: rx`\b(?:thick|dumb|dense) as (?:a )?(?:brick|rock|post|plank)s?\b|\beat (?:shit|dirt)\b|\bscrew you\b|\bdamn you\b|\bup yours\b`, w: 0.8 },
  { re: rx`\bshut up\b`, w: 0.4 },
  { re: rx`\bworthless\b|\bpathetic\b`, w: 0.35 },
  { re: rx`\bfuck(?:ing)?\b|\bshit\b|\bstupid\b|\bdumb\b`, w: 0.2 },
];
