import path from 'node:path';
import { PROJECT_ROOT } from '../../config/load-config.ts';

/** Where Debian's pocketsphinx-en-us puts the US English acoustic model and dictionary. */
export const EN_US_MODEL_DIR = '/usr/share/pocketsphinx/model/en-us';
export const EN_US_ACOUSTIC_MODEL = path.join(EN_US_MODEL_DIR, 'en-us');
export const EN_US_DICT = path.join(EN_US_MODEL_DIR, 'cmudict-en-us.dict');
/** Pocketsphinx's own general English language model, for `KEFU_ASR_LM=general`. */
export const EN_US_GENERAL_LM = path.join(EN_US_MODEL_DIR, 'en-us.lm.bin');
/** The shop's language model (scripts/build-asr-lm.ts). */
export const KEFU_EN_LM = path.join(PROJECT_ROOT, 'models', 'asr', 'kefu-en.arpa');
