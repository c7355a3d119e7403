/**
 * One broken edit of each kind a policy author can make, with the exact problem lines the checker
 * must report. The watcher test and the CLI test both run this table, so the running service and
 * `npm run rules -- check` are held to the same messages.
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
}

const QUEUES = 'who-may-act/manage-queues.rule.json';
const START = 'contact-center/billing-starts-with-first-queue.rule.json';
const STOP = 'contact-center/billing-stops-with-last-queue.rule.json';
const conditionsOf = (rule: Json) => (rule.rule as { conditions: Conditions }).conditions;

export const BROKEN_EDITS: BrokenEdit[] = [
  {
    kind: 'invalid JSON',
    edit: (c) => writeFileSync(join(c.dir, QUEUES), '{ "id": "who-may-act.manage-queues", '),
    problems: [`${QUEUES}: (root): invalid JSON: Expected double-quoted property name in JSON at position 37 (line 1 column 38)`],
  },
  {
    kind: 'schema error',
    edit: (c) => c.edit(QUEUES, (r) => void (r.severity = 'block')),
    problems: [`${QUEUES}: /severity: must be one of "deny", "warn", "info"`],
  },
  {
    kind: 'unknown fact',
    edit: (c) => c.edit(QUEUES, (r) => void (conditionsOf(r).all[0]!.fact = 'actr')),
    problems: [`${QUEUES}: /rule/conditions/all/0/fact: unknown fact "actr" (known: actor, account, params, request, products, product, user, suite)`],
  },
  {
    kind: 'unknown operator',
    edit: (c) => c.edit(QUEUES, (r) => void (conditionsOf(r).all[0]!.operator = 'hasNone')),
    problems: [`${QUEUES}: /rule/conditions/all/0/operator: unknown operator "hasNone" (see the catalogue in libs/rules/README.md)`],
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
    edit: (c) => c.edit(QUEUES, (r) => void (conditionsOf(r).all[0]!.value = { fact: 'params', path: '$.roles.queueManagerz' })),
    problems: [`${QUEUES}: /rule/conditions/all/0/value/path: unknown parameter "params.roles.queueManagerz" (no such value in policies/data/roles.json)`],
  },
  {
    kind: 'contradictory conditions in one rule',
    edit: (c) => c.edit(STOP, (r) => void conditionsOf(r).all.push({ fact: 'user', path: '$.queueMembershipCount', operator: 'lessThan', value: 0 })),
    problems: [
      `${STOP}: /rule/conditions/all/1: contradictory conditions: user.queueMembershipCount greaterThan 0 (/rule/conditions/all/1) and user.queueMembershipCount lessThan 0 (/rule/conditions/all/3) can never hold together, so the rule can never fire`,
    ],
  },
  {
    kind: 'contradictory rules (opposite effects of two rules)',
    // The stop rule no longer asks for a removal: adding a user's first queue would start and stop billing.
    edit: (c) =>
      c.edit(STOP, (r) => {
        conditionsOf(r).all = conditionsOf(r).all.filter((x) => x.path !== '$.change' && x.path !== '$.queueMembershipCount');
      }),
    problems: [
      `${START}: /effects/0: billing_start contradicts billing_stop of ${STOP} (/effects/0): at queue_membership both rules fire when request.change = "add", ` +
        'request.queueKind = "call", request.role = "agent", user.queueMembershipCount = 0, user.queueMembershipCountAfter = 0 ' +
        '(other facts as in examples/queue_membership.json), and the change is allowed with both effects for product goto_contact_center and user usr_1',
    ],
  },
  {
    kind: 'contradictory effects in one rule',
    edit: (c) => c.edit(START, (r) => void (r.effects as Json[]).push({ ...(r.effects as Json[])[0], type: 'billing_stop' })),
    problems: [`${START}: /effects/1: billing_stop contradicts billing_start at /effects/0: whenever the rule fires it would do both for the same product and user`],
  },
  {
    kind: 'broken cases file',
    edit: (c) => c.edit('who-may-act/manage-queues.cases.json', (f) => void ((f.cases as Json[])[0]!.fires = 'yes')),
    problems: ['who-may-act/manage-queues.cases.json: /cases/0/fires: must be boolean'],
  },
];
