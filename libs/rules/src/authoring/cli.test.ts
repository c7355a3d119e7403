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

  it('explain: refuses a misspelled point, fact or key with a guess, instead of deciding on it', () => {
    const dir = mkdtempSync(join(tmpdir(), 'explain-'));
    const factsFile = (facts: unknown) => {
      const file = join(dir, `${Math.random()}.json`);
      writeFileSync(file, JSON.stringify(facts));
      return file;
    };
    const point = rules('explain', 'asign', factsFile({}));
    expect(point.status).toBe(1);
    expect(point.stderr).toContain('decision point "asign" is not known: did you mean "assign"?');
    const fact = rules('explain', 'queue_membership', factsFile({ actr: { roles: ['member'] } }));
    expect(fact.status).toBe(1);
    expect(fact.stderr).toContain('/actr: "actr" is not a fact of queue_membership: did you mean "actor"?');
    const key = rules('explain', 'queue_membership', factsFile({ actor: { rols: ['member'] } }));
    expect(key.status).toBe(1);
    expect(key.stderr).toContain('/actor/rols: "rols" is not in the fact catalogue: did you mean "roles"?');
    const type = rules('explain', 'queue_membership', factsFile({ actor: { roles: 'member' } }));
    expect(type.stderr).toContain('/actor/roles: must be a string list, not "member"');
    expect(type.stdout).toBe('');
  });

  describe('a rule not yet in effect', () => {
    const FUTURE = '2031-01-01';
    const withFutureRule = () => {
      copy = copyPolicies();
      copy.edit('who-may-act/manage-queues.rule.json', (r) => void (r.effectiveDate = FUTURE));
      return copy.dir;
    };

    it('check: warns that the service and explain leave it out until its date', () => {
      const result = rules('check', withFutureRule());
      expect(result.status).toBe(0);
      expect(result.stdout).toContain(
        `warning: who-may-act.manage-queues takes effect on ${FUTURE}: until then the service and explain leave it out`,
      );
    });

    it('explain: leaves it out today and says so; --at its date decides with it', () => {
      const dir = withFutureRule();
      const facts = join(mkdtempSync(join(tmpdir(), 'explain-')), 'facts.json');
      writeFileSync(facts, JSON.stringify({ actor: { roles: ['member'] } }));
      const today = rules('explain', 'queue_membership', facts, '--dir', dir);
      expect(today.stdout).toContain('Decision at queue_membership: ALLOWED');
      expect(today.stdout).toMatch(
        new RegExp(
          `not in effect on \\d{4}-\\d{2}-\\d{2}, so left out: who-may-act.manage-queues \\(from ${FUTURE}; --at ${FUTURE} includes it\\)`,
        ),
      );
      const then = rules('explain', 'queue_membership', facts, '--dir', dir, '--at', FUTURE);
      expect(then.stdout).toContain('Decision at queue_membership: DENIED');
      expect(then.stdout).not.toContain('not in effect');
    });

    it('test --at a day before it: its firing cases fail, each with the decision it got', () => {
      const dir = withFutureRule();
      const result = rules('test', dir, '--at', '2030-12-31');
      expect(result.status).toBe(1);
      expect(result.stdout).toMatch(/^FAIL {2}who-may-act\.manage-queues: /m);
      expect(result.stdout).toContain('        expected the rule to fire, it did not');
      expect(result.stdout).toContain('        | Decision at queue_membership: ALLOWED');
      // By default every rule takes part in the cases, whatever its date.
      expect(rules('test', dir).status).toBe(0);
    });
  });
}, 60_000);
