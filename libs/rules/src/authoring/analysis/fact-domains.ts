import { factShape, type FactShape } from '../../engine/catalogue.js';
import type { DecisionPoint } from '../../engine/decision-points.js';
import { shapeAtPath } from '../fact-shapes.js';
import { readsOf, type Literal } from './condition-terms.js';

/**
 * The values the reach analysis takes a fact value to have: the closed sets the catalogue lists for
 * some strings, and the types it gives every other path (a boolean is `true` or `false`).
 */

/**
 * The account values the catalogue enumerates (catalogue.ts, the `account` fact's description):
 * each decision point is answered per combination of those its rules read.
 */
export const ACCOUNT_VALUES: Readonly<Record<string, readonly string[]>> = {
  'account.style': ['goto', 'zendesk'],
  'account.kind': ['self_service', 'sales_managed'],
};

/** Every string value with a closed set of values in the catalogue that the analysis relies on. */
export const ENUMERATED_VALUES: Readonly<Record<string, readonly string[]>> = {
  ...ACCOUNT_VALUES,
  'actor.kind': ['user', 'service'],
};

/** The shape the catalogue gives a fact path at a point (undefined when it does not know it). */
export function shapeOf(fact: string, path: string, point: DecisionPoint): FactShape | undefined {
  // A `[*]` path gives a single match as the bare value (operators.ts), whatever the catalogue says.
  if (path.includes('[')) return undefined;
  const root = factShape(fact, point);
  return root ? shapeAtPath(root, path || undefined, fact).shape : undefined;
}

/** The values a fact path can have when the catalogue lists them all (booleans, enumerated strings). */
export function domainOf(l: Pick<Literal, 'fact' | 'path'>, point: DecisionPoint): readonly unknown[] | undefined {
  const enumerated = ENUMERATED_VALUES[readsOf(l)];
  if (enumerated) return enumerated;
  const shape = shapeOf(l.fact, l.path, point);
  if (shape?.type === 'boolean') return shape.nullable ? [true, false, null] : [true, false];
  return undefined;
}
