import type { FactShape } from '../engine/catalogue.js';

/** What a shape is, in words: "a boolean", "a string list", "an object". */
export function describeShape(shape: FactShape): string {
  switch (shape.type) {
    case 'list':
      return shape.items.type === 'object'
        ? 'a list of objects'
        : shape.items.type === 'unknown'
          ? 'a list'
          : `a ${shape.items.type} list`;
    case 'object':
      return 'an object';
    case 'unknown':
      return 'any value';
    case 'null':
      return 'null';
    default:
      return `a ${shape.type}${shape.nullable ? ' or null' : ''}`;
  }
}

/** Every path of a shape with its type, for the catalogue: `$.kind (string), $.roles (string list), …`. */
export function describePaths(shape: FactShape): string {
  // A list fact (products) is named whole in rules; `product` names its entries.
  if (shape.type === 'list') return `the whole list; each entry: ${describePaths(shape.items)}`;
  return knownPaths(shape)
    .map((path) => `${path} (${describeShape(shapeAtPath(shape, path, '').shape!).replace(/^an? /, '')})`)
    .join(', ');
}

/** The shape of a literal written in a rule (a condition's value). */
export function shapeOfValue(value: unknown): FactShape {
  if (value === null) return { type: 'null' };
  if (typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean')
    return { type: typeof value as 'string' | 'number' | 'boolean' };
  if (Array.isArray(value)) {
    // A mixed or empty list can match anything; only a list of one kind says what it holds.
    const kinds = new Set(value.map((item) => shapeOfValue(item).type));
    return { type: 'list', items: value.length > 0 && kinds.size === 1 ? shapeOfValue(value[0]) : { type: 'unknown' } };
  }
  if (typeof value === 'object')
    return {
      type: 'object',
      properties: Object.fromEntries(Object.entries(value).map(([k, v]) => [k, shapeOfValue(v)])),
    };
  return { type: 'unknown' };
}

/** Every path a rule may name in a value of this shape: `$.roles`, `$.holders`, `$.holders[*].userId`. */
export function knownPaths(shape: FactShape, prefix = '$'): string[] {
  if (shape.type === 'list' && shape.items.type === 'object') return knownPaths(shape.items, `${prefix}[*]`);
  if (shape.type !== 'object') return [];
  return Object.entries(shape.properties).flatMap(([key, child]) => [
    `${prefix}.${key}`,
    ...knownPaths(child, `${prefix}.${key}`),
  ]);
}

/** The candidate closest to `wrong` (case-insensitive edit distance), when it is close enough to be a typo. */
export function closest(wrong: string, candidates: string[]): string | undefined {
  let best: { candidate: string; distance: number } | undefined;
  for (const candidate of candidates) {
    const distance = editDistance(wrong.toLowerCase(), candidate.toLowerCase());
    if (distance <= Math.max(1, Math.floor(candidate.length / 4)) && (!best || distance < best.distance))
      best = { candidate, distance };
  }
  return best?.candidate;
}

/** Edit distance counting a swap of two neighbours as one edit (`stlye` is one edit from `style`). */
function editDistance(a: string, b: string): number {
  const d = Array.from({ length: a.length + 1 }, (_, i) =>
    Array.from({ length: b.length + 1 }, (_, j) => (i === 0 ? j : j === 0 ? i : 0)),
  );
  for (let i = 1; i <= a.length; i += 1) {
    for (let j = 1; j <= b.length; j += 1) {
      d[i]![j] = Math.min(d[i - 1]![j]! + 1, d[i]![j - 1]! + 1, d[i - 1]![j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1));
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1])
        d[i]![j] = Math.min(d[i]![j]!, d[i - 2]![j - 2]! + 1);
    }
  }
  return d[a.length]![b.length]!;
}

export type PathShape = { shape: FactShape; problem?: undefined } | { problem: string; shape?: undefined };

/**
 * The shape found at a JSONPath (`$.a.b`, `$.list[*].field`) in a fact of this shape, or why
 * there is none. `[*]` collects the field of every element, as jsonpath-plus does: a list.
 */
export function shapeAtPath(root: FactShape, path: string | undefined, fact: string): PathShape {
  const segments = (path ?? '$')
    .replace(/^\$\.?/, '')
    .split('.')
    .filter(Boolean);
  let current = root;
  let walked = '$';
  let spread = false;
  for (const [i, segment] of segments.entries()) {
    const star = segment.endsWith('[*]');
    const key = star ? segment.slice(0, -3) : segment;
    if (current.type === 'unknown') return { shape: current };
    if (current.type === 'list') {
      return {
        problem:
          `path "${path}" in fact "${fact}": ${walked} is a list, so name the field of its elements as ` +
          `"${walked}[*].${[key, ...segments.slice(i + 1)].join('.')}"`,
      };
    }
    const next =
      current.type === 'object' && Object.hasOwn(current.properties, key) ? current.properties[key] : undefined;
    if (!next) {
      if (current.type !== 'object')
        return {
          problem: `path "${path}" in fact "${fact}": ${walked} is ${describeShape(current)}, it has no "${key}"`,
        };
      const known = knownPaths(root);
      const guess = closest(path ?? '$', known);
      return {
        problem: `unknown path "${path}" in fact "${fact}"${guess ? `: did you mean "${guess}"?` : ` (known: ${known.join(', ')})`}`,
      };
    }
    walked = `${walked}.${key}`;
    current = next;
    if (star) {
      if (current.type !== 'list')
        return {
          problem: `path "${path}" in fact "${fact}": ${walked} is ${describeShape(current)}, not a list, so it takes no [*]`,
        };
      current = current.items;
      walked = `${walked}[*]`;
      spread = true;
    }
  }
  return { shape: spread ? { type: 'list', items: current } : current };
}

/** Scalar kinds a value of this shape may have; undefined for "anything". */
function scalarKinds(shape: FactShape): Set<string> | undefined {
  if (shape.type === 'unknown') return undefined;
  if (shape.type === 'string' || shape.type === 'number' || shape.type === 'boolean')
    return new Set(shape.nullable ? [shape.type, 'null'] : [shape.type]);
  return new Set([shape.type]);
}

/** Whether two values of these shapes can ever be === (lists and objects never are: json-rules-engine compares with ===). */
function canBeEqual(a: FactShape, b: FactShape): boolean {
  const [x, y] = [scalarKinds(a), scalarKinds(b)];
  if (!x || !y) return true;
  return [...x].some((kind) => kind !== 'list' && kind !== 'object' && y.has(kind));
}

const isList = (shape: FactShape) => shape.type === 'list' || shape.type === 'unknown';
const isScalar = (shape: FactShape) => shape.type !== 'list' && shape.type !== 'object';
const isNumber = (shape: FactShape) => shape.type === 'number' || shape.type === 'unknown';
const isBoolean = (shape: FactShape) => shape.type === 'boolean' || shape.type === 'unknown';
const itemsOf = (shape: FactShape): FactShape => (shape.type === 'list' ? shape.items : { type: 'unknown' });

/** One side of a comparison: its shape and how a reader names it (`account.cardOnFile`, `"false"`). */
export interface Operand {
  shape: FactShape;
  label: string;
}

export interface OperandProblem {
  /** Which part of the condition is wrong. */
  at: 'operator' | 'value';
  problem: string;
}

/**
 * Why a condition can never hold as written, when the shapes of its fact and value say so: a
 * comparison of a boolean with a string, a number operator on a string, a list operator on a
 * single value. Decorators (`someFact:`, `swap:`, …) are applied first, as json-rules-engine does.
 */
export function operandProblem(operator: string, factSide: Operand, valueSide: Operand): OperandProblem | undefined {
  const decorators = operator.split(':');
  const base = decorators.pop()!;
  let fact = factSide;
  let value = valueSide;
  for (const decorator of decorators) {
    if (decorator === 'swap') [fact, value] = [value, fact];
    if (decorator === 'someFact' || decorator === 'everyFact') {
      if (!isList(fact.shape))
        return {
          at: 'operator',
          problem: `${decorator}: needs a list but ${fact.label} is ${describeShape(fact.shape)}`,
        };
      fact = { shape: itemsOf(fact.shape), label: `an element of ${fact.label}` };
    }
    if (decorator === 'someValue' || decorator === 'everyValue') {
      if (!isList(value.shape))
        return {
          at: 'value',
          problem: `${decorator}: needs a list but ${value.label} is ${describeShape(value.shape)}`,
        };
      value = { shape: itemsOf(value.shape), label: `an element of ${value.label}` };
    }
  }
  const a = (shape: FactShape) => describeShape(shape);
  switch (base) {
    case 'equal':
    case 'notEqual':
      if (!isScalar(fact.shape))
        return {
          at: 'operator',
          problem: `${base} compares single values but ${fact.label} is ${a(fact.shape)} (lists and objects are never equal to anything)`,
        };
      if (!isScalar(value.shape))
        return { at: 'value', problem: `${base} compares single values but ${value.label} is ${a(value.shape)}` };
      if (!canBeEqual(fact.shape, value.shape))
        return {
          at: 'value',
          problem: `${fact.label} (${a(fact.shape)}) can never equal ${value.label} (${a(value.shape)})`,
        };
      return undefined;
    case 'in':
    case 'notIn':
      if (!isScalar(fact.shape))
        return {
          at: 'operator',
          problem: `${base} looks a single value up in a list but ${fact.label} is ${a(fact.shape)}`,
        };
      if (!isList(value.shape))
        return { at: 'value', problem: `${base} needs a list as its value but ${value.label} is ${a(value.shape)}` };
      if (!canBeEqual(fact.shape, itemsOf(value.shape)))
        return {
          at: 'value',
          problem: `${fact.label} (${a(fact.shape)}) can never be in ${value.label} (${a(value.shape)})`,
        };
      return undefined;
    case 'contains':
    case 'doesNotContain':
      if (!isList(fact.shape))
        return { at: 'operator', problem: `${base} needs a list but ${fact.label} is ${a(fact.shape)}` };
      if (!canBeEqual(itemsOf(fact.shape), value.shape))
        return {
          at: 'value',
          problem: `${fact.label} (${a(fact.shape)}) can never contain ${value.label} (${a(value.shape)})`,
        };
      return undefined;
    case 'lessThan':
    case 'lessThanInclusive':
    case 'greaterThan':
    case 'greaterThanInclusive':
      if (!isNumber(fact.shape))
        return { at: 'operator', problem: `${base} compares numbers but ${fact.label} is ${a(fact.shape)}` };
      if (!isNumber(value.shape))
        return { at: 'value', problem: `${base} compares numbers but ${value.label} is ${a(value.shape)}` };
      return undefined;
    case 'containsAny':
    case 'containsNone':
    case 'someNotIn':
      if (!isList(fact.shape))
        return { at: 'operator', problem: `${base} compares two lists but ${fact.label} is ${a(fact.shape)}` };
      if (!isList(value.shape))
        return { at: 'value', problem: `${base} compares two lists but ${value.label} is ${a(value.shape)}` };
      if (!canBeEqual(itemsOf(fact.shape), itemsOf(value.shape)))
        return {
          at: 'value',
          problem: `${fact.label} (${a(fact.shape)}) and ${value.label} (${a(value.shape)}) can never share an element`,
        };
      return undefined;
    case 'notAllEqual':
      if (!isList(fact.shape))
        return { at: 'operator', problem: `${base} needs a list but ${fact.label} is ${a(fact.shape)}` };
      if (!isBoolean(value.shape))
        return {
          at: 'value',
          problem: `${base} takes true or false as its value, not ${value.label} (${a(value.shape)})`,
        };
      return undefined;
    case 'lengthGreaterThan':
    case 'lengthNotEqual':
      if (!isList(fact.shape))
        return { at: 'operator', problem: `${base} needs a list but ${fact.label} is ${a(fact.shape)}` };
      if (!isNumber(value.shape))
        return {
          at: 'value',
          problem: `${base} compares a length with a number but ${value.label} is ${a(value.shape)}`,
        };
      return undefined;
    default:
      return undefined;
  }
}

/**
 * Where a value does not have the shape it should: a wrong type, a key the catalogue does not
 * know or, when `complete`, a key it requires. Problems are JSON pointers under `at`.
 */
export function conformance(
  value: unknown,
  shape: FactShape,
  at: string,
  complete: boolean,
): { path: string; problem: string }[] {
  const problems: { path: string; problem: string }[] = [];
  const wrongType = () =>
    problems.push({ path: at, problem: `must be ${describeShape(shape)}, not ${JSON.stringify(value)}` });
  switch (shape.type) {
    case 'unknown':
      break;
    case 'null':
      if (value !== null) wrongType();
      break;
    case 'list':
      if (!Array.isArray(value)) wrongType();
      else value.forEach((item, i) => problems.push(...conformance(item, shape.items, `${at}/${i}`, complete)));
      break;
    case 'object': {
      if (typeof value !== 'object' || value === null || Array.isArray(value)) {
        wrongType();
        break;
      }
      const known = Object.keys(shape.properties);
      for (const [key, child] of Object.entries(value)) {
        const expected = Object.hasOwn(shape.properties, key) ? shape.properties[key] : undefined;
        if (expected) problems.push(...conformance(child, expected, `${at}/${key}`, complete));
        else {
          const guess = closest(key, known);
          problems.push({
            path: `${at}/${key}`,
            problem: `"${key}" is not in the fact catalogue${guess ? `: did you mean "${guess}"?` : ` (known: ${known.join(', ')})`}`,
          });
        }
      }
      if (complete)
        for (const key of known)
          if (!Object.hasOwn(value, key))
            problems.push({ path: at || '(root)', problem: `missing "${key}" (the service always provides it)` });
      break;
    }
    default:
      if (!(typeof value === shape.type || (value === null && shape.nullable))) wrongType();
  }
  return problems;
}
