import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { PROJECT_ROOT } from '../src/config/load-config.ts';
import { INTENTS } from '../src/dialogue/intent-classifier.ts';
import { WEIGHTS_FILE, serializeModel, trainIntentModel, trainingStamp } from '../src/dialogue/intent-training/intent-model.ts';

/**
 * `npm run train:intents`: trains the intent model from the template and generated corpora and
 * writes src/dialogue/intent-training/intent-weights.bin. Deterministic (seeded corpus and
 * shuffle): run it after editing templates.ts, phrasebook.ts or the generator, and commit the file.
 */
const t0 = performance.now();
const model = trainIntentModel(INTENTS);
const bytes = serializeModel(model, trainingStamp());
writeFileSync(WEIGHTS_FILE, bytes);
process.stdout.write(`wrote ${path.relative(PROJECT_ROOT, WEIGHTS_FILE)} (${(bytes.length / 1024).toFixed(0)} KiB) in ${((performance.now() - t0) / 1000).toFixed(1)} s\n`);
