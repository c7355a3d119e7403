/**
 * The cases must be able to fail: removing any rule file, turning any rule's conditions into their
 * opposite, or turning any single condition into its opposite makes the case run fail.
 */
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { readPolicies } from '../src/authoring/checker.js';
import { runCases } from '../src/authoring/cases.js';
import { DEFAULT_POLICIES_DIR } from '../src/loading/load.js';
import type { ConditionNode } from '../src/engine/rule-file.js';
import { copyPolicies } from './test-support.js';

const rules = readPolicies(DEFAULT_POLICIES_DIR).rules;
const ruleFiles = rules.map((r) => r.file);

/** JSON pointers (from rule.conditions) of every leaf condition. */
function leaves(node: ConditionNode, at = ''): string[] {
  if (node.fact !== undefined) return [at];
  return [
    ...(node.all ?? []).flatMap((c, i) => leaves(c, `${at}/all/${i}`)),
    ...(node.any ?? []).flatMap((c, i) => leaves(c, `${at}/any/${i}`)),
    ...(node.not ? leaves(node.not, `${at}/not`) : []),
  ];
}

/** Replaces the node at `pointer` with `{ not: node }`. */
function negateAt(root: Record<string, unknown>, pointer: string): void {
  const keys = pointer.split('/').filter(Boolean);
  const last = keys.pop()!;
  const parent = keys.reduce<Record<string, unknown>>((node, key) => node[key] as Record<string, unknown>, root);
  parent[last] = { not: parent[last] };
}

const leafMutations = rules.flatMap((r) => leaves(r.rule.conditions).map((at) => [r.file, at] as const));

let copy: ReturnType<typeof copyPolicies> | undefined;
afterEach(() => copy?.remove());

const failedCasesOf = async (dir: string, ruleFile: string) => {
  const report = await runCases(dir);
  return report.results.filter((r) => r.file === ruleFile.replace('.rule.json', '.cases.json') && !r.passed);
};

describe('case coverage', () => {
  it.each(ruleFiles)('removing %s fails the cases', async (file) => {
    copy = copyPolicies();
    rmSync(join(copy.dir, file));
    const report = await runCases(copy.dir);
    expect(report.passed).toBe(false);
    expect(report.problems.join('\n')).toContain('no rule file beside it');
  });

  it.each(ruleFiles)('flipping the conditions of %s fails a case', async (file) => {
    copy = copyPolicies();
    copy.edit(file, (rule) => {
      const inner = rule.rule as { conditions: unknown };
      inner.conditions = { not: inner.conditions };
    });
    expect((await failedCasesOf(copy.dir, file)).length).toBeGreaterThan(0);
  });

  it.each(leafMutations)('flipping %s condition %s fails a case', async (file, at) => {
    copy = copyPolicies();
    copy.edit(file, (rule) => negateAt(rule.rule as Record<string, unknown>, `/conditions${at}`));
    expect((await failedCasesOf(copy.dir, file)).length).toBeGreaterThan(0);
  });
});
