import { Engine } from 'json-rules-engine';
import { describe, expect, it } from 'vitest';
import { CUSTOM_OPERATORS } from './catalogue.js';
import { addCustomOperators } from './operators.js';

/** Runs one condition `{fact: "x", path?, operator, value}` against the fact value `x`. */
async function holds(operator: string, x: unknown, value: unknown, path?: string): Promise<boolean> {
  const engine = new Engine([], { allowUndefinedFacts: false });
  addCustomOperators(engine);
  engine.addRule({
    conditions: { all: [{ fact: 'x', operator, value, ...(path ? { path } : {}) }] },
    event: { type: 'held' },
  });
  const { results } = await engine.run({ x });
  return results.length === 1;
}

describe('custom operators', () => {
  it('registers every operator the catalogue lists', async () => {
    for (const name of Object.keys(CUSTOM_OPERATORS)) await expect(holds(name, [], [])).resolves.toBeTypeOf('boolean');
  });

  it('containsAny / containsNone compare two lists', async () => {
    expect(await holds('containsAny', ['a', 'b'], ['b', 'c'])).toBe(true);
    expect(await holds('containsAny', ['a'], ['c'])).toBe(false);
    expect(await holds('containsNone', ['a'], ['c'])).toBe(true);
    expect(await holds('containsNone', ['a', 'c'], ['c'])).toBe(false);
  });

  it('someNotIn finds an element outside the value, reading [*] paths with zero or one match as lists', async () => {
    const holders = (...ids: string[]) => ({ names: ['u1'], holders: ids.map((userId) => ({ userId })) });
    const check = (x: { names: string[]; holders: { userId: string }[] }) =>
      holds('someNotIn', x, { fact: 'x', path: '$.holders[*].userId' }, '$.names');
    expect(await check(holders('u1', 'u2'))).toBe(false);
    expect(await check(holders('u1'))).toBe(false);
    expect(await check(holders('u2'))).toBe(true);
    expect(await check(holders())).toBe(true);
    expect(await holds('someNotIn', [], ['a'])).toBe(false);
  });

  it('notAllEqual, lengthGreaterThan, lengthNotEqual', async () => {
    expect(await holds('notAllEqual', [5, 5, 6], true)).toBe(true);
    expect(await holds('notAllEqual', [5, 5], true)).toBe(false);
    expect(await holds('notAllEqual', [5, 5], false)).toBe(true);
    expect(await holds('lengthGreaterThan', [1, 2], 1)).toBe(true);
    expect(await holds('lengthGreaterThan', [1], 1)).toBe(false);
    expect(await holds('lengthNotEqual', [1], 2)).toBe(true);
    expect(await holds('lengthNotEqual', [1, 2], 2)).toBe(false);
  });
});
