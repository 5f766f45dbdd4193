import type { Entity } from '../../contracts/nlu.ts';
import { longerFirst, pickNonOverlapping } from './pick-non-overlapping.ts';

/** One catalogue entry: `name` is the entity value, any alias (or the name) in the text finds it. */
export interface CatalogueProduct {
  name: string;
  aliases: readonly string[];
}

function escape(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/gu, '\\$&');
}

/**
 * Case-insensitive; a space or hyphen in an alias matches any spacing ("65-inch TV" finds "65 inch
 * tv"), and Latin aliases must stand as words so "TV" is not found in "TVB" nor "P3" in "P30".
 */
const patterns = new Map<string, RegExp>();

/** Compiled once per alias: compiling every alias on every message cost more than matching them. */
function aliasPattern(alias: string): RegExp {
  let re = patterns.get(alias);
  if (re === undefined) {
    re = compileAlias(alias);
    patterns.set(alias, re);
  }
  return re;
}

function compileAlias(alias: string): RegExp {
  const body = alias.trim().split(/[\s-]+/u).map(escape).join('[\\s-]*');
  const before = /^[A-Za-z0-9]/u.test(alias) ? '(?<![A-Za-z0-9])' : '';
  const after = /[A-Za-z0-9]$/u.test(alias) ? '(?![A-Za-z0-9])' : '';
  return new RegExp(`${before}${body}${after}`, 'giu');
}

/** Products the text names, longest alias first ("空气净化器" before "净化器"); sorted by start. */
export function findProducts(text: string, products: readonly CatalogueProduct[]): Entity[] {
  const found: Entity[] = [];
  for (const product of products) {
    for (const alias of [product.name, ...product.aliases]) {
      if (alias.trim() === '') continue;
      // exec on the pattern itself: matchAll would clone it for every alias of every message.
      const re = aliasPattern(alias);
      re.lastIndex = 0;
      for (let m = re.exec(text); m !== null; m = re.exec(text)) {
        found.push({ type: 'product', text: m[0], start: m.index, end: m.index + m[0].length, value: product.name });
      }
    }
  }
  return pickNonOverlapping(found, longerFirst);
}
