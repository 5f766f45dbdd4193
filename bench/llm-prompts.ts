import { DEMO_KB_PATH } from '../src/config/load-config.ts';
import type { ChatMessage } from '../src/contracts/language-model.ts';
import { isConfidentPassage } from '../src/knowledge/confidence.ts';
import { importKnowledge } from '../src/knowledge/import-kb.ts';
import { createSqliteKnowledgeBase } from '../src/knowledge/sqlite-knowledge-base.ts';
import { buildPrompt } from '../src/pipeline/prompt-builder.ts';

const QUESTIONS: [string, 'zh' | 'en'][] = [
  ['你们的退货政策是什么?', 'zh'], ['How long does shipping take?', 'en'], ['怎么开发票?', 'zh'], ['退款多久到账', 'zh'],
  ['运费多少', 'zh'], ['How do I get a VAT invoice?', 'en'], ['保修多久', 'zh'], ['change my address', 'en'],
  ['热水器安装', 'zh'], ['double charged', 'en'], ['扣了两次钱', 'zh'], ['customer service hours', 'en'],
  ['怎么取消订单', 'zh'], ['Which items cannot be returned?', 'en'], ['降价了能退差价吗', 'zh'], ['wall mount TV installation', 'en'],
];

/** The prompts the server would build for typical questions: policy, retrieved passages, question. */
export async function kefuPrompts(): Promise<ChatMessage[][]> {
  const kb = createSqliteKnowledgeBase({ path: ':memory:' });
  await importKnowledge(kb, [DEMO_KB_PATH]);
  const prompts: ChatMessage[][] = [];
  for (const [q, lang] of QUESTIONS) {
    const passages = (await kb.search(q, 3)).filter((p) => isConfidentPassage(p));
    prompts.push(buildPrompt({ userMessage: q, passages, history: [], lang }));
  }
  await kb.close();
  return prompts;
}
