import { renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { checkRules } from './checker.js';
import { DEFAULT_POLICIES_DIR } from '../loading/load.js';
import { formatProblem } from '../engine/rule-file.js';
import { copyPolicies } from '../../test/test-support.js';

let copy: ReturnType<typeof copyPolicies>;
afterEach(() => copy?.remove());

const problemsAfter = async (edit: (c: typeof copy) => void) => {
  copy = copyPolicies();
  edit(copy);
  return (await checkRules(copy.dir)).map(formatProblem);
};
const SEAT_RULE = 'seat-limits/no-assignment-beyond-purchased.rule.json';

describe('rule checker', () => {
  it('finds nothing wrong with the shipped policies', async () => {
    expect(await checkRules(DEFAULT_POLICIES_DIR)).toEqual([]);
  });

  it('reports invalid JSON with the file', async () => {
    const problems = await problemsAfter((c) => writeFileSync(join(c.dir, SEAT_RULE), '{ "id": '));
    expect(problems).toEqual([
      expect.stringMatching(/^seat-limits\/no-assignment-beyond-purchased\.rule\.json: \(root\): invalid JSON: /),
    ]);
  });

  it('reports missing metadata by name', async () => {
    const problems = await problemsAfter((c) => c.edit(SEAT_RULE, (r) => void delete r.owner));
    expect(problems).toEqual([`${SEAT_RULE}: (root): missing required metadata "owner"`]);
  });

  it('reports schema errors with the path', async () => {
    const problems = await problemsAfter((c) => c.edit(SEAT_RULE, (r) => void (r.severity = 'block')));
    expect(problems).toEqual([`${SEAT_RULE}: /severity: must be one of "deny", "warn", "info"`]);
  });

  it('reports a duplicate id, naming the other file', async () => {
    const problems = await problemsAfter((c) => {
      c.edit(
        'seat-limits/last-seat-notice.rule.json',
        (r) => void (r.id = 'seat-limits.no-assignment-beyond-purchased'),
      );
    });
    expect(problems).toContain(
      'seat-limits/last-seat-notice.rule.json: /id: id "seat-limits.no-assignment-beyond-purchased" must ' +
        'match the file\'s place: "seat-limits.last-seat-notice"',
    );
    expect(problems).toContain(
      `seat-limits/no-assignment-beyond-purchased.rule.json: /id: duplicate id ` +
        `"seat-limits.no-assignment-beyond-purchased" (also in seat-limits/last-seat-notice.rule.json)`,
    );
  });

  it('reports an unknown fact at its condition path', async () => {
    const problems = await problemsAfter((c) =>
      c.edit(
        SEAT_RULE,
        (r) =>
          void ((r.rule as { conditions: unknown }).conditions = {
            all: [{ fact: 'seatz', operator: 'lessThan', value: 0 }],
          }),
      ),
    );
    expect(problems).toEqual([
      expect.stringMatching(
        /^seat-limits\/no-assignment-beyond-purchased\.rule\.json: \/rule\/conditions\/all\/0\/fact: unknown fact "seatz"/,
      ),
    ]);
  });

  it('reports a fact that the decision point does not provide', async () => {
    const problems = await problemsAfter((c) =>
      c.edit(
        'who-may-act/manage-queues.rule.json',
        (r) =>
          void ((r.rule as { conditions: unknown }).conditions = {
            all: [{ fact: 'suite', path: '$.id', operator: 'equal', value: 'x' }],
          }),
      ),
    );
    expect(problems).toEqual([
      'who-may-act/manage-queues.rule.json: /rule/conditions/all/0/fact: fact "suite" is not provided at decision point queue_membership',
    ]);
  });

  it('guesses the operator or fact a typo meant, decorators kept', async () => {
    const problems = await problemsAfter((c) =>
      c.edit(SEAT_RULE, (r) => {
        const all = (r.rule as { conditions: { all: { operator: string; fact: string }[] } }).conditions.all;
        all[0]!.operator = 'lessThen';
        all[0]!.fact = 'prodcut';
      }),
    );
    expect(problems).toEqual(
      expect.arrayContaining([
        `${SEAT_RULE}: /rule/conditions/all/0/operator: unknown operator "lessThen": did you mean "lessThan"?`,
        `${SEAT_RULE}: /rule/conditions/all/0/fact: unknown fact "prodcut": did you mean "product"?`,
      ]),
    );
    const decorated = await problemsAfter((c) =>
      c.edit(
        SEAT_RULE,
        (r) =>
          void ((r.rule as { conditions: { all: { operator: string }[] } }).conditions.all[0]!.operator =
            'not:lessThen'),
      ),
    );
    expect(decorated).toContain(
      `${SEAT_RULE}: /rule/conditions/all/0/operator: unknown operator "not:lessThen": did you mean "not:lessThan"?`,
    );
  });

  it('reports an unknown operator', async () => {
    const problems = await problemsAfter((c) =>
      c.edit(
        SEAT_RULE,
        (r) => void ((r.rule as { conditions: { all: { operator: string }[] } }).conditions.all[0]!.operator = 'below'),
      ),
    );
    expect(problems).toEqual([
      `${SEAT_RULE}: /rule/conditions/all/0/operator: unknown operator "below" (see the catalogue in libs/rules/README.md)`,
    ]);
  });

  it('reports a message placeholder naming an unknown fact', async () => {
    const problems = await problemsAfter((c) =>
      c.edit(SEAT_RULE, (r) => void (r.message = 'no seats for {{prodct.id}}')),
    );
    expect(problems).toEqual([
      expect.stringMatching(
        /^seat-limits\/no-assignment-beyond-purchased\.rule\.json: \/message: placeholder \{\{prodct\.id\}\} names unknown fact "prodct"/,
      ),
    ]);
  });

  it('reports a parameter that no data file has', async () => {
    const problems = await problemsAfter((c) =>
      c.edit(
        'who-may-act/manage-queues.rule.json',
        (r) =>
          void ((r.rule as { conditions: { all: { value: unknown }[] } }).conditions.all[0]!.value = {
            fact: 'params',
            path: '$.roles.queueManagerz',
          }),
      ),
    );
    expect(problems).toEqual([
      'who-may-act/manage-queues.rule.json: /rule/conditions/all/0/value/path: unknown parameter ' +
        '"params.roles.queueManagerz" (no such value in policies/data/roles.json)',
    ]);
  });

  it('reports an effective date that is not a calendar day', async () => {
    const problems = await problemsAfter((c) => c.edit(SEAT_RULE, (r) => void (r.effectiveDate = '2026-02-30')));
    expect(problems).toEqual([`${SEAT_RULE}: /effectiveDate: "2026-02-30" is not a calendar date (YYYY-MM-DD)`]);
  });

  it('reports a rule without a cases file, and a cases file without a rule', async () => {
    const problems = await problemsAfter((c) => {
      renameSync(
        join(c.dir, 'seat-limits/last-seat-notice.cases.json'),
        join(c.dir, 'seat-limits/last-seat-notise.cases.json'),
      );
    });
    expect(problems).toEqual([
      'seat-limits/last-seat-notice.rule.json: (root): rule seat-limits.last-seat-notice has no cases file beside it (seat-limits/last-seat-notice.cases.json)',
      'seat-limits/last-seat-notise.cases.json: (root): no rule file beside it (seat-limits/last-seat-notise.rule.json)',
    ]);
  });

  it('reports cases that never show the rule quiet, and a case at a point the rule does not decide', async () => {
    const problems = await problemsAfter((c) =>
      c.edit('seat-limits/last-seat-notice.cases.json', (f) => {
        const firing = (f.cases as { fires: boolean; name: string }[]).find((x) => x.fires)!;
        f.cases = [
          { ...firing, point: 'unassign' },
          { ...firing, name: `${firing.name}, again` },
        ];
      }),
    );
    expect(problems).toEqual([
      'seat-limits/last-seat-notice.cases.json: /cases/0/point: "unassign" is not one of the rule\'s decision points (assign, create_user)',
      'seat-limits/last-seat-notice.cases.json: /cases: rule seat-limits.last-seat-notice needs at least one case where it does not fire',
    ]);
  });
});
