import { existsSync } from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { findShippedModel, PROJECT_ROOT } from '../../src/config/load-config.ts';
import type { LanguageModel } from '../../src/contracts/language-model.ts';
import { createEmbeddedProvider } from '../../src/llm/embedded-provider.ts';
import { prompt, reply } from './house-style-reply.ts';

const MODEL = findShippedModel();
const ADAPTER = path.join(PROJECT_ROOT, 'models', 'lora', 'kefu-house-style.gguf');
/** The shipped model and demo adapter are committed: without them the tests fail, they do not skip. */
function requireModel(): string {
  if (MODEL === null || !existsSync(ADAPTER)) throw new Error(`the shipped model and ${ADAPTER} are part of the repository and missing here`);
  return MODEL;
}

/** Questions the adapter was not trained on (the demo data uses KB titles, not these phrasings). */
const QUESTIONS = ['发票可以开公司抬头吗', '退货要多久才能退款', '快递一般几天到'];
// Training an adapter with training/lora.py (Debian's torch, minutes on 2 cores) is in
// test/conformance/lora-training.test.ts, run by `npm run test:conformance`.
describe('LoRA adapter on the shipped model (KEFU_LORA_PATH)', () => {
  const open: LanguageModel[] = [];
  afterAll(async () => {
    await Promise.all(open.map((m) => m.close()));
  });

  // The house style opens with '亲,' and closes with '祝您购物愉快!'. The closing is what 60 steps of
  // q/v LoRA teach the 11.2M model; its own '您好,' opener survives them (models/README.md).
  it("loads in node-llama-cpp and moves replies to the house style it was trained on (… '祝您购物愉快')", async () => {
    const modelPath = requireModel();
    const base = createEmbeddedProvider({ modelPath, gpu: false, contextSize: 512, sequences: 1 });
    const tuned = createEmbeddedProvider({ modelPath, loraPath: ADAPTER, gpu: false, contextSize: 512, sequences: 1 });
    open.push(base, tuned);
    let styledBase = 0;
    let styledTuned = 0;
    for (const q of QUESTIONS) {
      const [b, t] = [await reply(base, prompt(q)), await reply(tuned, prompt(q))];
      expect(t).not.toBe(b);
      if (b.includes('祝您购物愉快')) styledBase++;
      if (t.includes('祝您购物愉快')) styledTuned++;
    }
    expect(styledBase).toBe(0);
    expect(styledTuned).toBe(QUESTIONS.length);
  });
});
