/**
 * A decision the rules cannot compute fails closed: a stable refusal (POLICY_UNAVAILABLE), never
 * INTERNAL, and nothing written. The rules' reload gate keeps such a rule set from becoming
 * active, so the undecidable set here is built directly, past every check.
 */
import { create } from '@bufbuild/protobuf';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AssignLicensesRequestSchema } from '@acme/contracts';
import { GrpcStatus, toGrpcError } from '@acme/grpc';
import type { Database } from '@acme/licensing-data-access';
import { DEFAULT_POLICIES_DIR, FactsError, readPolicies, RuleSet, type LoadedRule } from '@acme/rules';
import { AppError } from '@acme/util';
import { createAssignmentHandlers } from '../handlers/assignment-handlers.js';
import { callContext, openSeededDatabase, refusal } from '../../test/handler-harness.js';
import { refuseUndecidable } from './decision-outcome.js';

/** The edit of the finding: `$.cardonFile` for `$.cardOnFile`, which no assign facts have. */
const typo: LoadedRule = {
  id: 'who-may-act.card-typo',
  file: 'who-may-act/card-typo.rule.json',
  title: 'A rule with a typo in its path',
  description: 'Reads a value the service never provides.',
  message: 'needs a card',
  severity: 'deny',
  owner: 'policy-team@acme.dev',
  effectiveDate: '2026-01-01',
  decisionPoints: ['assign'],
  rule: { conditions: { all: [{ fact: 'account', path: '$.cardonFile', operator: 'equal', value: false }] } },
};
const undecidable = new RuleSet([typo], readPolicies(DEFAULT_POLICIES_DIR).params, []);

describe('refuseUndecidable', () => {
  it('turns a FactsError into a FAILED_PRECONDITION refusal with reason POLICY_UNAVAILABLE', () => {
    const error = (() => {
      try {
        refuseUndecidable(
          new FactsError('decision point assign needs fact values: account.cardonFile', ['account.cardonFile']),
        );
      } catch (e) {
        return e;
      }
    })();
    expect(error).toBeInstanceOf(AppError);
    expect(error).toMatchObject({
      type: 'failed_precondition',
      reason: 'POLICY_UNAVAILABLE',
      metadata: { missing_facts: 'account.cardonFile' },
    });
    expect(toGrpcError(error, 'req-1').code).toBe(GrpcStatus.FAILED_PRECONDITION);
  });

  it('rethrows anything else as it is', () => {
    const other = new Error('database gone');
    expect(() => refuseUndecidable(other)).toThrow(other);
  });
});

describe('a mutation whose decision cannot be computed', () => {
  let db: Database;
  let cleanup = async () => {};
  beforeAll(async () => {
    ({ db, cleanup } = await openSeededDatabase('libsql', 'undecidable'));
  });
  afterAll(async () => cleanup());

  it('refuses AssignLicenses with POLICY_UNAVAILABLE, not INTERNAL, and changes nothing', async () => {
    const handlers = createAssignmentHandlers({
      db,
      rules: () => undecidable,
      now: () => new Date('2026-11-23T10:00:00Z'),
    });
    const before = await db.accounts.seatUsage('acct_demo_goto');
    const error = await refusal(
      handlers.assignLicenses(
        create(AssignLicensesRequestSchema, {
          userId: 'usr_demo_goto_manager',
          products: [{ productId: 'goto_connect_standard' }],
        }),
        callContext(),
      ),
    );
    expect(error).toMatchObject({
      type: 'failed_precondition',
      reason: 'POLICY_UNAVAILABLE',
      metadata: { missing_facts: 'account.cardonFile' },
    });
    expect(error.cause).toBeInstanceOf(FactsError);
    expect(toGrpcError(error, 'req-2').code).toBe(GrpcStatus.FAILED_PRECONDITION);
    expect(await db.accounts.seatUsage('acct_demo_goto')).toEqual(before);
  });
});
