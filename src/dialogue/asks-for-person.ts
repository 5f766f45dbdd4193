/**
 * An explicit request for a person, read from the words themselves and not from the intent: a
 * complaint that ends "马上给我转人工", a swear word and "real person", a request made in the
 * middle of a return are all requests, and a request always wins.
 */
const PERSON =
  /转人工|转接人工|人工客服|人工服务|人工坐席|找人工|要人工|接人工|叫人工|换人工|人工呢|(?:找|要|转|换|接|叫|和|跟|让)(?:个|一个)?(?:真人|活人)|真人客服|真人服务|有没有(?:真人|活人)|找客服|叫客服|客服呢|(?:找|叫|让)(?:你们的?)?(?:经理|主管|领导|负责人)|(?:经理|主管|领导|负责人)呢|(?:转|找|要|和|跟|接)(?:给|到)?(?:你们的?)?(?:工作人员|客服人员|客服专员|专员|客服本人)|人工(?:处理|介入|帮我|来处理)|\b(?:want|need) (?:a |an |to (?:talk|speak) (?:to|with) (?:a |an )?)?(?:human|real person|live agent|agent|representative)\b|\b(?:real|actual|live|human) (?:person|human|agent|being)\b|\bhuman (?:agent|support|operator|please)\b|\b(?:speak|talk|chat) (?:to|with) (?:a |an |your |the )?(?:human|person|agent|someone|somebody|representative|rep|manager|supervisor|operator)\b|\b(?:get|give|connect|transfer|put|bring) (?:me )?(?:to |through to )?(?:a |an |your |the |some )?(?:real )?(?:human|person|agent|representative|manager|supervisor|operator)\b|\brepresentative\b|^\s*(?:human|agent|operator)\s*[.!]*\s*$/i;

/** "不用转人工", "no need for a human": the words are there, the request is not. */
const DECLINED = /(?<!为什么|怎么|还|咋|干嘛)(?:不用|不需要|不要|不必|别|不)(?:帮我)?(?:转|找|接|叫)?(?:人工|真人|客服)|\b(?:no need (?:for|to)|don'?t (?:need|want)|do not (?:need|want))\b[^.!?]{0,30}\b(?:human|person|agent)\b/i;

/** "你是真人吗?", "are you a bot?": a question about Kefu, not a request for someone else. */
const IDENTITY = /你是(?:不是)?(?:真人|机器人|人工|ai)|是真人吗|是机器人吗|机器人还是(?:真人|人工|人)|(?:真人|人工)还是机器人|\bare you (?:a |an )?(?:real|human|bot|robot|ai|person)\b/i;

export function asksForPerson(text: string): boolean {
  return PERSON.test(text) && !DECLINED.test(text) && !IDENTITY.test(text) && !asksAboutHours(text);
}

/**
 * "那你们几点上班?", "客服什么时候在线", "what are your opening hours": a question about when
 * people are there, answered with the business hours, never with a transfer.
 */
const HOURS =
  /(?:几点|什么时候|啥时候|何时|多会儿?)(?:[^?？。!！]{0,6})(?:上班|下班|开门|关门|打烊|营业|在线|有人|上线|开工|回来)|(?:营业|开门|关门|开|打烊)(?:到|至)?几点|(?:上班|营业|服务|在线|工作|客服)时间|几点(?:到|至|-)几点|\b(?:opening|business|office|working|support|service) hours\b|(?:几点|什么时候|啥时候)(?:会|能)?在(?:线|岗|班)?[\s?？吗呢啊]{0,4}$|\bwhat time do (?:you|they|your (?:agents?|staff|team|people)|agents?) (?:open|start|close|come in|get in)\b|\bwhen (?:do|are|will) (?:you|your (?:agents?|staff|team)|agents?|they|someone|people) (?:open|start|work|online|available|back|be (?:back|online|available))\b|\bwhat are your hours\b|(?:几点|什么时候)(?:以后|之后|后|以前|之前)|\bwhen (?:is|are) (?:your )?(?:customer )?(?:support|service|agents?|staff|team|people|someone|customer service)(?: team)? (?:open|available|online|around|in|back)\b/i;

export function asksAboutHours(text: string): boolean {
  return HOURS.test(text);
}

/** Naming the people ("客服几点上班", "when are your agents online"): the configured hours answer, not a passage. */
const PEOPLE = /上班|下班|在线|有人|客服|人工|\bagents?\b|\bstaff\b|\bsomeone\b|\bpeople\b|\bhumans?\b|\bcustomer service\b|\bonline\b|\bteam\b/i;

/** A question about when people are there, as opposed to when the shop opens. */
export function asksAboutAgentHours(text: string): boolean {
  return HOURS.test(text) && PEOPLE.test(text);
}

/**
 * Words about a person that ask for none: declining one, asking whether Kefu is one, asking when
 * they work. A human_agent reading of such a message is no request either.
 */
export function noPersonWanted(text: string): boolean {
  return DECLINED.test(text) || IDENTITY.test(text) || asksAboutHours(text);
}
