import type { Emotion, Intent } from '../contracts/reply-part.ts';
import { detectEmotion } from './emotion-detector.ts';
import { detectLang } from './embedded-nlu.ts';
import { classifyIntent as classify } from './intent-classifier.ts';

/**
 * The synchronous NLU the chat pipeline has always called: thin wrappers over the embedded
 * classifier (`intent-classifier.ts`) and emotion detector (`emotion-detector.ts`). New code
 * should use the `Nlu` contract through `createEmbeddedNlu()`, which adds confidence, sub-intents,
 * entities and history.
 */
export interface NluResult {
  intent: Intent;
  emotion: Emotion;
  lang: 'zh' | 'en';
}

export { detectEmotion, detectLang };

export function classifyIntent(text: string): Intent {
  return classify(text).intent;
}

export function understand(text: string, previous?: Emotion): NluResult {
  return { intent: classifyIntent(text), emotion: detectEmotion(text, previous), lang: detectLang(text) };
}
