import type { Entity } from '../../contracts/nlu.ts';
import type { CivilDate } from './civil-date.ts';

export type PartOfDay = NonNullable<Entity['partOfDay']>;

/** A time expression found by one rule, before overlaps are settled and parts of day attached. */
export interface DateHit {
  start: number;
  end: number;
  value: CivilDate;
  /** Last day of a range, inclusive. */
  endValue?: CivilDate;
  partOfDay?: PartOfDay;
  /** Our own rules win ties against chrono: they encode this project's conventions. */
  source: 'rule' | 'chrono';
}
