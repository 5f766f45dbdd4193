/** The kinds of personal data the engine finds. */
export type PiiType =
  | 'id_card'
  | 'phone'
  | 'landline'
  | 'bank_card'
  | 'uscc'
  | 'email'
  | 'ip'
  | 'passport'
  | 'hk_macau_permit'
  | 'license_plate'
  | 'person_name'
  | 'address';

export const PII_TYPES: readonly PiiType[] = [
  'id_card', 'phone', 'landline', 'bank_card', 'uscc', 'email', 'ip', 'passport', 'hk_macau_permit', 'license_plate', 'person_name', 'address',
];

/** One finding: `text` is `input.slice(start, end)`; `score` in [0, 1]. */
export interface PiiEntity {
  type: PiiType;
  start: number;
  end: number;
  score: number;
  text: string;
}

export type MaskMode = 'placeholder' | 'partial' | 'pseudonym';

/** What a recognizer reports before overlaps are resolved. */
export interface PiiCandidate {
  type: PiiType;
  start: number;
  end: number;
  score: number;
}

/**
 * A recognizer reads the whole message and returns candidates with their final score (context
 * already applied). Recognizers are independent; the engine resolves overlaps between them.
 */
export interface PiiRecognizer {
  readonly types: readonly PiiType[];
  find(text: string): PiiCandidate[];
}

/** The label inside a pseudonym: `[PHONE_1]`, `[NAME_2]`. */
export const PSEUDONYM_LABELS: Record<PiiType, string> = {
  id_card: 'ID',
  phone: 'PHONE',
  landline: 'TEL',
  bank_card: 'CARD',
  uscc: 'USCC',
  email: 'EMAIL',
  ip: 'IP',
  passport: 'PASSPORT',
  hk_macau_permit: 'PERMIT',
  license_plate: 'PLATE',
  person_name: 'NAME',
  address: 'ADDRESS',
};
