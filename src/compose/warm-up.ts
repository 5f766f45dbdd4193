import type { Nlu } from '../contracts/nlu.ts';
import { hanScript } from '../dialogue/chinese-script.ts';
import type { createInputGuard } from '../safety/input-guard/input-guard.ts';
import type { OutputGuard } from '../safety/output-guard/output-guard.ts';
import type { PiiEngine } from '../safety/pii/create-pii-engine.ts';
import { systemPromptsFor } from '../pipeline/prompt-builder.ts';
import type { ShopIdentity } from '../pipeline/shop-identity.ts';

/** What a turn's first use loads or compiles: the embedded NLU (intent model), the guards' patterns, the script dictionaries. */
export interface WarmParts {
  /** The embedded NLU, never the model's (KEFU_NLU=llm): warming calls no backend. */
  nlu: Nlu;
  inputGuard: Pick<ReturnType<typeof createInputGuard>, 'inspect'>;
  outputGuard: OutputGuard;
  piiEngine: PiiEngine;
  /** The shop's system prompts are what the output guard indexes for the prompt-leak rule. */
  shop: ShopIdentity;
}

// Made-up messages in each language the shop serves, Traditional included (its dictionaries).
const SAMPLES = ['你好,我的订单什么时候发货?寄到北京市朝阳区建国路88号,电话13812345678', '您好,退貨政策是什麼?', 'Hi, how long does shipping take? My order KF20261201 never arrived.'];

/**
 * Runs the pure parts of a turn once on made-up messages, before the server takes traffic: the
 * first customer after a start otherwise paid for loading the intent model, compiling the input
 * guard's gate pattern and the script dictionaries (250-350 ms on this machine). Nothing is
 * stored, nothing is sent: no session, transcript, audit entry or model call.
 */
export async function warmUp(parts: WarmParts): Promise<void> {
  for (const text of SAMPLES) {
    hanScript(text);
    parts.piiEngine.analyze(text);
    parts.inputGuard.inspect(text, { history: [text] });
    await parts.nlu.understand({ text });
    parts.outputGuard.check(text, { trusted: text, given: text, systemPrompts: systemPromptsFor(parts.shop) });
  }
}
