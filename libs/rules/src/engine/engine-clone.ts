import { createRequire } from 'node:module';
import { dirname } from 'node:path';

type Clone = (value: unknown, ...rest: unknown[]) => unknown;

/**
 * A deep copy for what json-rules-engine copies on every run: each rule's condition tree, event,
 * priority and name (RuleResult), and referenced conditions. Those come from our JSON rule files:
 * plain objects, arrays and json-rules-engine's Condition instances, never circular. Those are
 * copied directly, prototypes kept (the engine calls Condition methods on the copy); instances of
 * any other class (dates, maps, buffers…) go to `fallback`, the `clone` package.
 */
export function copyConditionTree(value: unknown, fallback: Clone, copyable: (proto: object) => boolean): unknown {
  if (value === null || typeof value !== 'object') return value;
  if (Array.isArray(value)) return value.map((item) => copyConditionTree(item, fallback, copyable));
  const proto = Object.getPrototypeOf(value) as object | null;
  if (proto !== Object.prototype && proto !== null && !copyable(proto)) return fallback(value);
  const copy = Object.create(proto) as Record<string, unknown>;
  for (const key of Object.keys(value)) copy[key] = copyConditionTree((value as Record<string, unknown>)[key], fallback, copyable);
  return copy;
}

/**
 * Makes json-rules-engine use copyConditionTree instead of the `clone` package. `clone` tracks
 * circular references in arrays (quadratic in the number of objects) and reads a property
 * descriptor per key: it was over half of a decision's CPU time, and decisions run on every
 * mutation. json-rules-engine is loaded from node_modules (never bundled), so its `require('clone')`
 * is answered from Node's module cache, where this puts the faster copy before the engine loads.
 * Must run before json-rules-engine is first loaded: `engine.ts` calls it, then requires the
 * engine.
 */
export function installConditionTreeCopy(): boolean {
  const { require, clonePath } = engineClone();
  const cached = require.cache[clonePath];
  if (cached && (cached.exports as Installed).conditionTreeCopy) return true;
  if (cached) return false; // already loaded by someone else: leave it alone
  const original = require(clonePath) as Clone;
  const fast = (value: unknown, ...rest: unknown[]) => (rest.length > 0 ? original(value, ...rest) : copyConditionTree(value, original, isEngineCondition));
  require.cache[clonePath]!.exports = Object.assign(fast, original, { conditionTreeCopy: true, packageClone: original });
  return true;
}

let conditionProto: object | undefined;

/** Whether `proto` is json-rules-engine's Condition class (not exported; known once the engine has loaded). */
export function isEngineCondition(proto: object): boolean {
  if (!conditionProto) {
    const { Rule } = engineClone().require('json-rules-engine') as { Rule: new (options: object) => { conditions: object } };
    conditionProto = Object.getPrototypeOf(new Rule({ conditions: { all: [] }, event: { type: 'probe' } }).conditions) as object;
  }
  return proto === conditionProto;
}

type Installed = Clone & { conditionTreeCopy?: boolean; packageClone?: Clone };

function engineClone() {
  const require = createRequire(import.meta.url);
  return { require, clonePath: require.resolve('clone', { paths: [dirname(require.resolve('json-rules-engine'))] }) };
}

/** Whether json-rules-engine's `clone` is the faster copy (for tests and diagnostics). */
export function conditionTreeCopyInstalled(): boolean {
  const { require, clonePath } = engineClone();
  return Boolean((require.cache[clonePath]?.exports as Installed | undefined)?.conditionTreeCopy);
}

/** The `clone` package's own function, installed or not (to compare against). */
export function packageClone(): Clone {
  const { require, clonePath } = engineClone();
  const exports = require(clonePath) as Installed;
  return exports.packageClone ?? exports;
}
