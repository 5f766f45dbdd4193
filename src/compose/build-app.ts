import type { Hono } from 'hono';
import type { LanguageModel } from '../contracts/language-model.ts';
import { generateText } from '../llm/generate-text.ts';
import { chatBodyLimit } from '../multimodal/attachment.ts';
import { buildPrompt, systemPromptsFor } from '../pipeline/prompt-builder.ts';
import type { OutputGuard } from '../safety/output-guard/output-guard.ts';
import type { AppEnv } from '../server/app-env.ts';
import { createApp, type AppDeps } from '../server/create-app.ts';
import type { SuggestReply } from '../server/routes/admin-routes.ts';
import type { RootContext } from './root-context.ts';

/** What the HTTP app gets beyond the configuration: everything the composition root opened. */
export type AppParts = Omit<AppDeps, 'metrics' | 'logger' | 'dataDir' | 'kbPaths' | 'corsOrigins' | 'limits' | 'userIdSecret' | 'suggest' | 'readiness'> & {
  model: LanguageModel | null;
  modelReady: Promise<void>;
  outputGuard: OutputGuard;
};

/**
 * A draft for the agent to edit: the model's answer from the same passages, unless the output
 * guard would stop it.
 */
function suggestReply(ctx: RootContext, model: LanguageModel, outputGuard: OutputGuard): SuggestReply {
  const { config } = ctx;
  return async ({ message, passages, history, lang, signal }) => {
    const text = (await generateText(model, { messages: buildPrompt({ userMessage: message, passages, history, lang, historyTokenBudget: config.historyTokens, shop: config.shop }), maxTokens: config.maxTokens, ...(signal === undefined ? {} : { signal }) })).text;
    const trusted = passages.map((p) => `${p.title} ${p.text}`).join('\n');
    return outputGuard.check(text, { trusted, given: message, systemPrompts: systemPromptsFor(config.shop) }).length === 0 ? text : null;
  };
}

/** The HTTP app: the public API, the agent and admin APIs, WeCom's callback, the pages. */
export function buildApp(ctx: RootContext, parts: AppParts): Hono<AppEnv> {
  const { config } = ctx;
  const { model, modelReady, outputGuard, ...deps } = parts;
  return createApp({
    ...deps,
    metrics: ctx.metrics,
    logger: ctx.logger,
    dataDir: config.dataDir,
    kbPaths: config.kbPaths,
    ...(model === null ? {} : { suggest: suggestReply(ctx, model, outputGuard) }),
    corsOrigins: config.corsOrigins,
    readiness: [
      { name: 'store', check: () => deps.store.ping() },
      { name: 'model', check: () => modelReady },
    ],
    userIdSecret: config.userIdSecret,
    limits: {
      maxBodyBytes: config.maxBodyBytes,
      maxMessageChars: config.maxMessageChars,
      ratePerMinute: config.rateLimitPerMinute,
      chat: { maxBodyBytes: chatBodyLimit(config.maxBodyBytes, config.images.maxBytes, config.voice.maxBytes), note: `a picture may be at most ${config.images.maxBytes} bytes, a recording ${config.voice.maxBytes}` },
    },
  });
}
