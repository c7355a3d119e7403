import { describe, expect, it } from 'vitest';
import { conditionTreeCopyInstalled, copyConditionTree, isEngineCondition, packageClone } from './engine-clone.js';
import { createRequire } from 'node:module';
import { dirname } from 'node:path';
import { Engine } from './engine.js';
import { loadRuleSet } from '../loading/load.js';

const cloneOriginal = packageClone();
/** The `clone` json-rules-engine gets: the installed copy. */
function packageCloneInstalled(): (value: unknown) => unknown {
  const require = createRequire(import.meta.url);
  return require(require.resolve('clone', { paths: [dirname(require.resolve('json-rules-engine'))] })) as (value: unknown) => unknown;
}

class Point {
  constructor(public x: number, public y: { z: number[] }) {}
  norm() {
    return this.x;
  }
}

describe('copyConditionTree', () => {
  it('is what json-rules-engine copies with once the lib is loaded', () => {
    expect(new Engine()).toBeDefined();
    expect(conditionTreeCopyInstalled()).toBe(true);
  });

  it('copies deeply, keeps prototypes and leaves the original untouched', () => {
    const tree = { all: [new Point(1, { z: [1, 2] }), { fact: 'user', value: { fact: 'params', path: '$.a' } }], priority: 2, name: null };
    const copy = copyConditionTree(tree, cloneOriginal, (proto) => proto === Point.prototype) as typeof tree;
    expect(copy).toEqual(tree);
    expect(copy).not.toBe(tree);
    expect(copy.all[0]).toBeInstanceOf(Point);
    expect((copy.all[0] as Point).norm()).toBe(1);
    (copy.all[0] as Point).y.z.push(3);
    expect((tree.all[0] as Point).y.z).toEqual([1, 2]);
  });

  it('hands built-ins (dates, maps, buffers) to the clone package', () => {
    const date = new Date(0);
    const map = new Map([[1, 2]]);
    const copy = copyConditionTree({ date, map, buffer: Buffer.from('ab') }, cloneOriginal, () => false) as { date: Date; map: Map<number, number>; buffer: Buffer };
    expect(copy.date).toEqual(date);
    expect(copy.date).not.toBe(date);
    expect(copy.map.get(1)).toBe(2);
    expect(copy.buffer.toString()).toBe('ab');
  });

  it('copies every rule of the policies as the clone package does', async () => {
    const ruleSet = await loadRuleSet();
    const engine = new Engine();
    for (const rule of ruleSet.rules) {
      engine.addRule({ name: rule.id, conditions: rule.rule.conditions as never, event: { type: rule.id } });
    }
    for (const rule of (engine as unknown as { rules: { conditions: unknown }[] }).rules) {
      const theirs = cloneOriginal(rule.conditions);
      // Copied without help: every object of a policy's tree is plain or a Condition.
      const mine = copyConditionTree(rule.conditions, () => expect.fail('fell back to the clone package'), isEngineCondition);
      expect(mine).toStrictEqual(theirs);
      expect(packageCloneInstalled()(rule.conditions)).toStrictEqual(theirs);
    }
  });
});
