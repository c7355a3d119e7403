/**
 * One broken edit of each kind a policy author can make, with the exact problem lines the checker
 * must report. The watcher test and the CLI test both run this table, so the running service and
 * `npm run rules -- check` are held to the same messages; a reload also names the cases the edit
 * makes fail (`failingCases`), as `npm run rules -- test` does.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { copyPolicies } from './test-support.js';

type Copy = ReturnType<typeof copyPolicies>;
type Json = Record<string, unknown>;
interface Conditions {
  all: Json[];
}

export interface BrokenEdit {
  kind: string;
  edit(copy: Copy): void;
  /** Every `file: path: problem` line, in the checker's order. */
  problems: string[];
  /** The cases the edit makes fail, as a reload reports them after the checker's problems. */
  failingCases?: string[];
}

const QUEUES = 'who-may-act/manage-queues.rule.json';
const START = 'contact-center/billing-starts-with-first-queue.rule.json';
const STOP = 'contact-center/billing-stops-with-last-queue.rule.json';
const GOTO_PURCHASE = 'who-may-act/goto-purchase-requires-super-admin-and-card.rule.json';
const conditionsOf = (rule: Json) => (rule.rule as { conditions: Conditions }).conditions;

export const BROKEN_EDITS: BrokenEdit[] = [
  {
    kind: 'invalid JSON',
    edit: (c) => writeFileSync(join(c.dir, QUEUES), '{ "id": "who-may-act.manage-queues", '),
    problems: [
      `${QUEUES}: (root): invalid JSON: Expected double-quoted property name in JSON at position 37 (line 1 column 38)`,
    ],
  },
  {
    kind: 'schema error',
    edit: (c) => c.edit(QUEUES, (r) => void (r.severity = 'block')),
    problems: [`${QUEUES}: /severity: must be one of "deny", "warn", "info"`],
  },
  {
    kind: 'unknown fact',
    edit: (c) => c.edit(QUEUES, (r) => void (conditionsOf(r).all[0]!.fact = 'actr')),
    problems: [`${QUEUES}: /rule/conditions/all/0/fact: unknown fact "actr": did you mean "actor"?`],
  },
  {
    kind: 'unknown operator',
    edit: (c) => c.edit(QUEUES, (r) => void (conditionsOf(r).all[0]!.operator = 'hasNone')),
    problems: [
      `${QUEUES}: /rule/conditions/all/0/operator: unknown operator "hasNone" (see the catalogue in libs/rules/README.md)`,
    ],
  },
  {
    kind: 'duplicate id',
    edit: (c) => c.edit('who-may-act/reduce-seats.rule.json', (r) => void (r.id = 'who-may-act.manage-queues')),
    problems: [
      `who-may-act/reduce-seats.rule.json: /id: id "who-may-act.manage-queues" must match the file's place: "who-may-act.reduce-seats"`,
      `who-may-act/reduce-seats.rule.json: /id: duplicate id "who-may-act.manage-queues" (also in ${QUEUES})`,
    ],
  },
  {
    kind: 'bad params reference',
    edit: (c) =>
      c.edit(QUEUES, (r) => void (conditionsOf(r).all[0]!.value = { fact: 'params', path: '$.roles.queueManagerz' })),
    problems: [
      `${QUEUES}: /rule/conditions/all/0/value/path: unknown parameter "params.roles.queueManagerz" (no such value in policies/data/roles.json)`,
    ],
  },
  {
    kind: 'contradictory conditions in one rule',
    edit: (c) =>
      c.edit(
        STOP,
        (r) =>
          void conditionsOf(r).all.push({
            fact: 'user',
            path: '$.queueMembershipCount',
            operator: 'lessThan',
            value: 0,
          }),
      ),
    problems: [
      `${STOP}: /rule/conditions/all/1: contradictory conditions: user.queueMembershipCount greaterThan 0 ` +
        `(/rule/conditions/all/1) and user.queueMembershipCount lessThan 0 (/rule/conditions/all/3) can ` +
        `never hold together, so the rule can never fire`,
    ],
    failingCases: [
      'contact-center/billing-stops-with-last-queue.cases.json: /cases/0: case "leaving the last queue ' +
        'stops billing" fails: expected the rule to fire, it did not; ' +
        'expected effect {"type":"billing_stop","productId":"goto_contact_center","userId":"usr_1"}, got []',
      'contact-center/billing-stops-with-last-queue.cases.json: /cases/1: case "removal from every queue ' +
        'at once stops billing" fails: expected the rule to fire, it did not',
    ],
  },
  {
    kind: 'contradictory rules (opposite effects of two rules)',
    // The stop rule no longer asks for a removal: adding a user's first queue would start and stop billing.
    edit: (c) =>
      c.edit(STOP, (r) => {
        conditionsOf(r).all = conditionsOf(r).all.filter(
          (x) => x.path !== '$.change' && x.path !== '$.queueMembershipCount',
        );
      }),
    problems: [
      `${START}: /effects/0: billing_start contradicts billing_stop of ${STOP} (/effects/0): at ` +
        `queue_membership both rules fire when request.change = "add", ` +
        'request.queueKind = "call", request.role = "agent", user.queueMembershipCount = 0, user.queueMembershipCountAfter = 0 ' +
        '(other facts as in examples/queue_membership.json), and the change is allowed with both effects for product goto_contact_center and user usr_1',
    ],
    // The cases that make those two conditions fail (condition coverage) catch it too.
    failingCases: [
      'contact-center/billing-stops-with-last-queue.cases.json: /cases/3: case "creating a queue stops no billing" ' +
        'fails: expected the rule not to fire, it did',
      'contact-center/billing-stops-with-last-queue.cases.json: /cases/4: case "removing a user in no queue from ' +
        'every queue stops no billing" fails: expected the rule not to fire, it did',
    ],
  },
  {
    kind: 'contradictory effects in one rule',
    edit: (c) =>
      c.edit(START, (r) => void (r.effects as Json[]).push({ ...(r.effects as Json[])[0], type: 'billing_stop' })),
    problems: [
      `${START}: /effects/1: billing_stop contradicts billing_start at /effects/0: whenever the rule fires it would do both for the same product and user`,
    ],
  },
  {
    // Without the check every purchase_seats decision would throw (FactsError): INTERNAL for callers.
    kind: 'unknown path in a fact (a typo)',
    edit: (c) =>
      c.edit(GOTO_PURCHASE, (r) => void ((conditionsOf(r).all[2] as { any: Json[] }).any[1]!.path = '$.cardonFile')),
    problems: [
      `${GOTO_PURCHASE}: /rule/conditions/all/2/any/1/path: unknown path "$.cardonFile" in fact "account": did you mean "$.cardOnFile"?`,
    ],
  },
  {
    kind: 'value of the wrong type',
    edit: (c) => c.edit('who-may-act/reduce-seats.rule.json', (r) => void (conditionsOf(r).all[1]!.value = 'false')),
    problems: [
      'who-may-act/reduce-seats.rule.json: /rule/conditions/all/1/value: actor.isOwner (a boolean) can never equal "false" (a string)',
    ],
  },
  {
    kind: 'number operator on a string',
    edit: (c) =>
      c.edit(
        START,
        (r) => void conditionsOf(r).all.push({ fact: 'user', path: '$.id', operator: 'greaterThan', value: 0 }),
      ),
    problems: [`${START}: /rule/conditions/all/4/operator: greaterThan compares numbers but user.id is a string`],
  },
  {
    kind: 'unknown placeholder path',
    edit: (c) =>
      c.edit(
        'seat-limits/last-seat-notice.rule.json',
        (r) => void (r.message = 'Every {{product.id}} seat is now in use ({{product.availabel}} left)'),
      ),
    problems: [
      'seat-limits/last-seat-notice.rule.json: /message: placeholder {{product.availabel}}: unknown path ' +
        '"$.availabel" in fact "product": did you mean "$.available"?',
    ],
  },
  {
    kind: 'data file that does not match its schema',
    edit: (c) => c.edit('data/retention.json', (d) => void (d.days = '7')),
    // The retention rule's days name the value: its placeholder is now a string too.
    problems: [
      'data/retention.json: /days: must be integer',
      'retention/retain-phone-configuration.rule.json: /effects/0/days: placeholder {{params.retention.days}} names a string: days is a number',
    ],
  },
  {
    kind: 'data file without a schema',
    edit: (c) => writeFileSync(join(c.dir, 'data/limits.json'), '{ "maxSeats": 10 }'),
    problems: [
      'data/limits.json: (root): no schema for this data file: add libs/rules/schema/data/limits.schema.json and list it in src/authoring/data-schemas.ts',
    ],
  },
  {
    kind: 'case facts with a typo',
    edit: (c) =>
      c.edit(
        'who-may-act/zendesk-purchase-owner-only.cases.json',
        (f) => void ((f.cases as Json[])[0]!.facts = { account: { stlye: 'zendesk' } }),
      ),
    problems: [
      'who-may-act/zendesk-purchase-owner-only.cases.json: /cases/0/facts/account/stlye: "stlye" is not in the fact catalogue: did you mean "style"?',
    ],
  },
  {
    kind: "who-may-act rule that reads the account's data",
    edit: (c) =>
      c.edit(
        QUEUES,
        (r) =>
          void conditionsOf(r).all.push({
            fact: 'user',
            path: '$.queueMembershipCount',
            operator: 'greaterThan',
            value: 0,
          }),
      ),
    problems: [
      `${QUEUES}: /rule/conditions/all/2/fact: who-may-act rules decide before the account's data is read: ` +
        `they may use only the actor, account, params facts, not "user"`,
    ],
  },
  {
    kind: 'broken cases file',
    edit: (c) => c.edit('who-may-act/manage-queues.cases.json', (f) => void ((f.cases as Json[])[0]!.fires = 'yes')),
    problems: ['who-may-act/manage-queues.cases.json: /cases/0/fires: must be boolean'],
  },
];
