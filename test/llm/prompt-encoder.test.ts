import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { getLlama, type Llama, type LlamaModel } from 'node-llama-cpp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ChatMessage } from '../../src/contracts/language-model.ts';
import { formatKefuPrompt, KEFU_JINJA_TEMPLATE } from '../../src/llm/chat-template.ts';
import { resolvePromptEncoder } from '../../src/llm/prompt-encoder.ts';
import { writeTinyLlamaGguf } from '../fixtures/llm/tiny-gguf.ts';

const CHATML =
  "{% for message in messages %}{{'<|im_start|>' + message['role'] + '\\n' + message['content'] + '<|im_end|>' + '\\n'}}{% endfor %}" +
  "{% if add_generation_prompt %}{{ '<|im_start|>assistant\\n' }}{% endif %}";

const messages: ChatMessage[] = [
  { role: 'system', content: 'be brief' },
  { role: 'user', content: 'hello' },
];

describe('resolvePromptEncoder: the prompt format follows the GGUF', () => {
  let dir: string;
  let llama: Llama;
  const models: LlamaModel[] = [];
  const load = async (name: string, template?: string): Promise<LlamaModel> => {
    const path = join(dir, `${name}.gguf`);
    writeTinyLlamaGguf(path, 7, template);
    const model = await llama.loadModel({ modelPath: path });
    models.push(model);
    return model;
  };

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'kefu-enc-'));
    llama = await getLlama({ gpu: false });
  });
  afterAll(async () => {
    for (const m of models) await m.dispose();
    await llama.dispose();
    rmSync(dir, { recursive: true, force: true });
  });

  it("uses Kefu's format for a GGUF with Kefu's template or none", async () => {
    for (const model of [await load('kefu', KEFU_JINJA_TEMPLATE), await load('bare')]) {
      const enc = resolvePromptEncoder(model);
      expect(enc.name).toBe('kefu');
      expect(enc.encode(messages)).toEqual([model.tokens.bos, ...model.tokenize(formatKefuPrompt(messages), true)]);
      expect(enc.stopStrings).toContain('<|end|>');
    }
  });

  it("uses node-llama-cpp's wrapper for another model's template (ChatML here)", async () => {
    const model = await load('chatml', CHATML);
    const enc = resolvePromptEncoder(model);
    expect(enc.name).toBe('ChatML');
    const text = model.detokenize(enc.encode(messages), true);
    expect(text).toContain('<|im_start|>system\nbe brief');
    expect(text).toMatch(/<\|im_start\|>assistant\n$/);
    expect(text).not.toContain('<|assistant|>');
  });
});
