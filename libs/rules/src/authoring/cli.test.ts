import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { copyPolicies } from '../../test/test-support.js';

const root = fileURLToPath(new URL('../../../../', import.meta.url));
const rules = (...args: string[]) =>
  spawnSync(join(root, 'node_modules/.bin/tsx'), ['libs/rules/src/authoring/cli.ts', ...args], {
    cwd: root,
    encoding: 'utf8',
    timeout: 60_000,
  });

let copy: ReturnType<typeof copyPolicies> | undefined;
afterEach(() => copy?.remove());

describe('rules CLI', () => {
  it('check: says ok for the shipped policies and lists problems (exit 1) for broken ones', () => {
    const ok = rules('check');
    expect(ok.status).toBe(0);
    expect(ok.stdout).toMatch(/^ok: \d+ rules/m);
    copy = copyPolicies();
    copy.edit('who-may-act/manage-queues.rule.json', (r) => void delete r.title);
    const broken = rules('check', copy.dir);
    expect(broken.status).toBe(1);
    expect(broken.stdout).toContain('who-may-act/manage-queues.rule.json: (root): missing required metadata "title"');
  });

  it('test: prints each case and a summary line, exit 0 when all pass', () => {
    const result = rules('test');
    expect(result.status).toBe(0);
    expect(result.stdout).toMatch(/^pass {2}seat-limits\.last-seat-notice: using the last seat warns and notifies$/m);
    expect(result.stdout).toMatch(/^\d+ passed, 0 failed$/m);
  });

  it('explain: prints the decision and the conditions in plain words', () => {
    const facts = join(mkdtempSync(join(tmpdir(), 'explain-')), 'facts.json');
    writeFileSync(facts, JSON.stringify({ actor: { roles: ['member'] } }));
    const result = rules('explain', 'queue_membership', facts);
    expect(result.status).toBe(0);
    expect(result.stdout).toContain('Decision at queue_membership: DENIED');
    expect(result.stdout).toContain('denied by who-may-act.manage-queues');
    expect(result.stdout).toContain('held   actor.roles containsNone ["super_admin","admin"] (actual: ["member"])');
  });

  it('catalogue: lists every fact and operator with its description', () => {
    const result = rules('catalogue');
    expect(result.status).toBe(0);
    expect(result.stdout).toMatch(/^ {2}user {2}\[assign, unassign, set_features, create_user, queue_membership\]$/m);
    expect(result.stdout).toMatch(/^ {2}someNotIn: fact \(a list\) has an element that is not in value/m);
    expect(result.stdout).toMatch(/^ {2}billing_start: /m);
    // The paths the checker accepts, with their types, per point where they differ.
    expect(result.stdout).toMatch(
      /^ {6}paths: \$\.kind \(string\), \$\.style \(string\), \$\.cardOnFile \(boolean\), \$\.legacyPlan \(boolean\)$/m,
    );
    expect(result.stdout).toMatch(
      /^ {6}at reduce_seats: \$\.productId \(string\), \$\.suiteId \(string\), \$\.newTotal \(number\), /m,
    );
  });

  it('explain: shows how any / all groups combine', () => {
    const facts = join(mkdtempSync(join(tmpdir(), 'explain-')), 'facts.json');
    writeFileSync(facts, JSON.stringify({ actor: { roles: ['member'] } }));
    const result = rules('explain', 'assign', facts);
    expect(result.stdout).toContain(
      [
        '  who-may-act.assign-and-unassign: FIRED',
        '    at least one of these must hold: held',
        '      all of these must hold: held',
        '        held   actor.kind equal "user" (actual: "user")',
      ].join('\n'),
    );
  });
}, 60_000);
