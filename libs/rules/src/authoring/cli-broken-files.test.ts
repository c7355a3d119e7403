/** `npm run rules -- check` on every kind of broken edit: each problem line, a count, exit 1. */
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { BROKEN_EDITS } from '../../test/broken-policies.js';
import { copyPolicies } from '../../test/test-support.js';

const root = fileURLToPath(new URL('../../../../', import.meta.url));
/** What `npm run rules -- check <dir>` runs (package.json: "rules": "tsx libs/rules/src/authoring/cli.ts"). */
const check = (dir: string) =>
  spawnSync(join(root, 'node_modules/.bin/tsx'), ['libs/rules/src/authoring/cli.ts', 'check', dir], {
    cwd: root,
    encoding: 'utf8',
    timeout: 60_000,
  });

let copy: ReturnType<typeof copyPolicies> | undefined;
afterEach(() => copy?.remove());

describe('rules check reports every kind of broken edit', () => {
  it.each(BROKEN_EDITS.map((b) => [b.kind, b] as const))('%s', (_kind, broken) => {
    copy = copyPolicies();
    broken.edit(copy);
    const result = check(copy.dir);
    expect(result.stdout).toBe([...broken.problems, `${broken.problems.length} problem(s)`, ''].join('\n'));
    expect(result.status).toBe(1);
  });
}, 60_000);
