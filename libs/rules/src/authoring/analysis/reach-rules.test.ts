/**
 * "Can this rule ever fire?" for warn and info rules (issue 23): one that never can by its own
 * conditions is reported, with why; one only a data file switches off is a setting.
 */
import { afterEach, describe, expect, it } from 'vitest';
import type { ConditionNode } from '../../engine/rule-file.js';
import { copyPolicies } from '../../../test/test-support.js';
import { problemsIn, reachOf } from './reach-test-support.js';

let copy: ReturnType<typeof copyPolicies> | undefined;
afterEach(() => copy?.remove());

describe('a warn or info rule that can never fire', () => {
  const editStart = (c: ReturnType<typeof copyPolicies>, change: (conditions: ConditionNode[]) => void) =>
    c.edit('contact-center/billing-starts-with-first-queue.rule.json', (r) =>
      change((r.rule as { conditions: { all: ConditionNode[] } }).conditions.all),
    );

  it('an info rule with `in []` is reported, with why', async () => {
    copy = copyPolicies();
    editStart(copy, (all) => void (all[2] = { fact: 'request', path: '$.role', operator: 'in', value: [] }));
    expect(await problemsIn(copy.dir)).toEqual([
      'contact-center/billing-starts-with-first-queue.rule.json: /rule/conditions/all/2: the rule can never fire: ' +
        'request.role in [] holds for no value (/rule/conditions/all/2)',
    ]);
  });

  it('a value the catalogue does not list (`account.style equal "zendsk"`) and a boolean neither true nor false', async () => {
    copy = copyPolicies();
    editStart(copy, (all) => void all.push({ fact: 'account', path: '$.style', operator: 'equal', value: 'zendsk' }));
    copy.edit('contact-center/billing-continues-after-connect-removal.rule.json', (r) => {
      const all = (r.rule as { conditions: { all: ConditionNode[] } }).conditions.all;
      all.push({ fact: 'user', path: '$.hasPhoneConfiguration', operator: 'notEqual', value: true });
      all.push({ fact: 'user', path: '$.hasPhoneConfiguration', operator: 'notEqual', value: false });
    });
    expect(await problemsIn(copy.dir)).toEqual([
      'contact-center/billing-continues-after-connect-removal.rule.json: /rule/conditions/all/2: the rule can never ' +
        'fire: user.hasPhoneConfiguration notEqual true and user.hasPhoneConfiguration notEqual false never hold ' +
        'together (user.hasPhoneConfiguration is true or false) (/rule/conditions/all/2, /rule/conditions/all/3)',
      'contact-center/billing-starts-with-first-queue.rule.json: /rule/conditions/all/4: the rule can never fire: ' +
        'account.style equal "zendsk" holds for none of its values (account.style is "goto" or "zendesk") ' +
        '(/rule/conditions/all/4)',
    ]);
  });

  it('a deny rule that can never fire is harmless; a rule switched off by a data file is a setting', async () => {
    copy = copyPolicies();
    copy.edit('contact-center/joining-a-queue-requires-contact-center.rule.json', (r) => {
      (r.rule as { conditions: { all: ConditionNode[] } }).conditions.all.push({
        fact: 'request',
        path: '$.role',
        operator: 'in',
        value: [],
      });
    });
    editStart(
      copy,
      (all) =>
        void all.push({
          fact: 'params',
          path: '$.purchase.gotoRequiresSuperAdminAndCard',
          operator: 'equal',
          value: false,
        }),
    );
    expect(await problemsIn(copy.dir)).toEqual([]);
    const { report } = await reachOf(copy.dir);
    expect(report.neverFiring.map((f) => [f.rule.id, f.fires, f.why])).toEqual([
      [
        'contact-center.billing-starts-with-first-queue',
        'switched off',
        'params.purchase.gotoRequiresSuperAdminAndCard equal false never hold(s) with the data files',
      ],
    ]);
  });
});
