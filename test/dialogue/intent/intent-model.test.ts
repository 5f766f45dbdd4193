import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { INTENTS } from '../../../src/dialogue/intent-classifier.ts';
import { WEIGHTS_FILE, deserializeModel, loadIntentModel, serializeModel, trainingStamp } from '../../../src/dialogue/intent-training/intent-model.ts';
import { featureStrings, predict, trainLogistic } from '../../../src/dialogue/intent-training/logistic.ts';
import { normalize } from '../../../src/dialogue/intent-training/normalize.ts';

const TOY = [
  ...['where is my parcel', 'my package has not arrived', 'track my delivery', '快递到哪了', '包裹还没到'].map((t) => ({ norm: normalize(t), intent: 'logistics' as const })),
  ...['i want a refund', 'refund my money', 'give me my money back', '我要退款', '钱什么时候退'].map((t) => ({ norm: normalize(t), intent: 'refund' as const })),
];

describe('intent model', () => {
  it('learns from examples and gives probabilities that sum to 1', () => {
    const model = trainLogistic(TOY, ['logistics', 'refund'], { epochs: 20 });
    const parcel = predict(model, normalize('where is my package'));
    expect(parcel.p[0]).toBeGreaterThan(0.7);
    expect(parcel.p.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 6);
    // An inflection never seen still shares most character n-grams with the word it comes from.
    expect(predict(model, normalize('refunded?')).p[1]).toBeGreaterThan(0.5);
    // Words never seen: only the length feature is known.
    expect(predict(model, normalize('qqq zzz')).known).toBeLessThanOrEqual(0.25);
  });

  it('has Han n-grams, Latin words, stems and in-word character n-grams as features', () => {
    const f = featureStrings(normalize('退货 refunds please'));
    expect(f).toEqual(expect.arrayContaining(['h退', 'h退货', 'wrefunds', 'srefund', 'c<re', 'cund', 'brefund_please']));
    expect(f).not.toContain('splease');
  });

  it('round-trips through the committed file format and rejects another stamp', () => {
    const model = trainLogistic(TOY, ['logistics', 'refund'], { epochs: 5 });
    const bytes = serializeModel(model, 'stamp-a');
    const back = deserializeModel(bytes, 'stamp-a');
    expect(back?.intents).toEqual(['logistics', 'refund']);
    const text = normalize('where is my parcel');
    expect(back === undefined ? [] : [...predict(back, text).p]).toEqual([...predict(model, text).p].map((v) => expect.closeTo(v, 1)));
    expect(deserializeModel(bytes, 'stamp-b')).toBeUndefined();
    expect(deserializeModel(new Uint8Array([1, 2, 3]), 'stamp-a')).toBeUndefined();
  });

  it('the committed weights were trained from the current sources (run `npm run train:intents` after editing them)', () => {
    const committed = deserializeModel(readFileSync(WEIGHTS_FILE), trainingStamp());
    expect(committed, 'intent-weights.bin is stale: run npm run train:intents and commit it').toBeDefined();
    expect(committed?.intents).toEqual([...INTENTS]);
    const start = performance.now();
    loadIntentModel(INTENTS);
    expect(performance.now() - start).toBeLessThan(1500);
  });
});
