import fc from 'fast-check';
import { JSONPath } from 'jsonpath-plus';
import { describe, expect, it } from 'vitest';
import { resolvePath } from './path-resolver.js';

const jsonpath = (value: unknown, path: string) => JSONPath({ path, json: value as object, wrap: false });

describe('resolvePath', () => {
  it('answers as jsonpath-plus does for the paths the rules use', () => {
    const facts = {
      roles: ['admin'],
      contactCenter: { billableRoles: ['agent'], connectProductId: 'goto_connect_standard' },
      count: 0,
      flag: false,
      none: null,
      holders: [{ userId: 'u1' }, { userId: 'u2' }],
    };
    for (const path of [
      '$.roles',
      '$.contactCenter.billableRoles',
      '$.contactCenter.connectProductId',
      '$.count',
      '$.flag',
      '$.none',
      '$.missing',
      '$.roles.length',
      '$.none.deeper',
      '$.holders[*].userId',
      '$.holders',
    ]) {
      expect(resolvePath(facts, path), path).toEqual(jsonpath(facts, path));
    }
  });

  it('agrees with jsonpath-plus on any dotted path in any fact (an object of JSON values)', () => {
    const key = fc.constantFrom('a', 'b', 'c', 'length', 'constructor', 'toString', '__proto__');
    fc.assert(
      fc.property(
        fc.dictionary(fc.constantFrom('a', 'b', 'c'), fc.jsonValue({ maxDepth: 3 })),
        fc.array(key, { minLength: 1, maxLength: 4 }),
        (value, keys) => {
          const path = `$.${keys.join('.')}`;
          expect(resolvePath(value, path)).toEqual(jsonpath(value, path));
        },
      ),
      { numRuns: 2_000, seed: 20261125 },
    );
  });
});
