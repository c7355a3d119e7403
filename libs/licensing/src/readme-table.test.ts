/** The README's table from the articles' behaviours to the code stays true: one file each, and it exists. */
import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const LIB = fileURLToPath(new URL('../', import.meta.url));
const POLICIES = fileURLToPath(new URL('../../rules/policies/', import.meta.url));
const readme = readFileSync(`${LIB}README.md`, 'utf8');
const table = readme.slice(readme.indexOf('## Where each behaviour of the articles lives'));
const rows = table
  .split('\n')
  .filter((line) => line.startsWith('| ') && !line.startsWith('| behaviour') && !line.startsWith('| ---'))
  .map((line) =>
    line
      .split('|')
      .slice(1, -1)
      .map((cell) => cell.trim()),
  );

describe('the behaviour table of the README', () => {
  it('has a row for every behaviour of the articles', () => {
    expect(rows.length).toBeGreaterThanOrEqual(20);
  });

  it.each(rows.map((row) => [row[0]!, row] as const))(
    '%s: one file, which exists, and rules that exist',
    (_behaviour, [, rules, code]) => {
      const files = [...code!.matchAll(/`([^`]+)`/g)].map((m) => m[1]!);
      expect(files).toHaveLength(1);
      expect(existsSync(`${LIB}${files[0]}`), files[0]).toBe(true);
      let family = '';
      for (const [, name] of rules!.matchAll(/`([^`]+)`/g)) {
        // `family/name` names a rule; a bare `name` is of the family named before it in the cell.
        if (name!.includes('/')) family = name!.split('/')[0]!;
        const rule = name!.includes('/') ? name! : `${family}/${name}`;
        if (rule.endsWith('*')) continue;
        expect(existsSync(`${POLICIES}${rule}.rule.json`), rule).toBe(true);
      }
    },
  );
});
