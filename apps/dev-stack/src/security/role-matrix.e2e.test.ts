/**
 * Every RPC (and every escalation attempt) as every kind of caller, over the socket, on a
 * GoTo-style and a Zendesk-style account. The table it builds must equal the one committed in
 * docs/security.md; regenerate it with
 *   UPDATE_SECURITY_MATRIX=1 npx vitest run src/security/role-matrix.e2e.test.ts   (in apps/dev-stack)
 * The domain's own rules (docs/security.md, "What the table must show") are asserted separately,
 * so a regenerated table cannot quietly make a forbidden cell acceptable.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { OperationsService } from '@acme/contracts';
import { createClient, decodeGrpcError, GrpcStatus } from '@acme/grpc';
import { CALLERS, cellOf, createCallerUsers, MARKERS, renderMatrix, withBlock, type Matrix } from './role-matrix.js';
import { PLANS, prepareFixtures, probesFor } from './rpc-requests.js';
import { bearer, GOTO, RPCS, startSecurityStack, ZENDESK, type SecurityStack } from './security-stack.js';

const DOC = fileURLToPath(new URL('../../../../docs/security.md', import.meta.url));
let stack: SecurityStack;
const matrices: Record<string, Matrix> = {};
/** Per account, the user id each user column calls as. */
const callerUsers: Record<string, Record<string, string>> = {};

async function buildMatrix(accountId: string): Promise<Matrix> {
  const plan = PLANS[accountId]!;
  const probes = probesFor(plan, await prepareFixtures(stack, plan));
  const users = await createCallerUsers(stack, accountId);
  callerUsers[accountId] = users;
  const matrix: Matrix = new Map();
  for (const probe of probes) {
    const cells = new Map<string, string>();
    for (const caller of CALLERS) {
      const userId = users[caller.name] ?? null;
      const claims = caller.claims(accountId, userId ?? '');
      // A service is no user of the account; without a token the call is refused before its body is read.
      if (probe.self && !caller.user && claims) {
        cells.set(caller.name, 'n/a');
        continue;
      }
      const outcome = await stack.call(
        probe.rpc,
        probe.body({ userId }),
        claims ? bearer(await stack.sign(claims)) : undefined,
      );
      try {
        cells.set(caller.name, cellOf(outcome));
      } catch (error) {
        throw new Error(`${accountId} ${probe.label} as ${caller.name}: ${(error as Error).message}`);
      }
    }
    matrix.set(probe.label, cells);
  }
  return matrix;
}

beforeAll(async () => {
  stack = await startSecurityStack();
  // The owner column is the Zendesk account's owner holding the owner role alone: the seed makes
  // her an admin too, which would test the admin role again. No call has read her record yet.
  stack.writeBehindService(`update app_user set roles = '["owner"]' where id = ?`, PLANS[ZENDESK]!.owner!);
  matrices[GOTO] = await buildMatrix(GOTO);
  matrices[ZENDESK] = await buildMatrix(ZENDESK);
}, 120_000);

afterAll(async () => {
  await stack?.stop();
});

const cell = (accountId: string, label: string, caller: string) => matrices[accountId]!.get(label)!.get(caller);
const allowed = (accountId: string, label: string) =>
  CALLERS.filter((c) => cell(accountId, label, c.name) === 'yes').map((c) => c.name);
const SERVICE = CALLERS[6]!.name;

describe('RPC x role table', () => {
  it('covers every RPC of the service', () => {
    const covered = new Set([...matrices[GOTO]!.keys()].map((label) => label.split(' ')[0]));
    expect(RPCS.filter((rpc) => !covered.has(rpc))).toEqual([]);
  });

  it('is the table committed in docs/security.md', () => {
    const block = [
      renderMatrix(`GoTo-style account (${GOTO}: card on file, no account owner)`, matrices[GOTO]!),
      renderMatrix(`Zendesk-style account (${ZENDESK}: owner usr_demo_zendesk_owner)`, matrices[ZENDESK]!),
    ].join('\n');
    if (process.env.UPDATE_SECURITY_MATRIX === '1') writeFileSync(DOC, withBlock(readFileSync(DOC, 'utf8'), block));
    const doc = readFileSync(DOC, 'utf8');
    const expected = withBlock(doc, block);
    expect(
      doc,
      `docs/security.md differs from what the service does; regenerate: UPDATE_SECURITY_MATRIX=1 npx ` +
        `vitest run src/security/role-matrix.e2e.test.ts (in apps/dev-stack), between ${MARKERS.start} and ` +
        `${MARKERS.end}`,
    ).toBe(expected);
  });
});

describe.each([GOTO, ZENDESK])('what the domain requires, on %s', (accountId) => {
  const labels = () => [...matrices[accountId]!.keys()];
  it('without a token every RPC is refused', () => {
    expect(labels().filter((l) => cell(accountId, l, 'no token') !== 'no: token')).toEqual([]);
  });

  it('a plain member changes nothing, not even for themself', () => {
    const changes = labels().filter((l) => !/^(List|Get|Check|Watch)[A-Z]/.test(l));
    expect(
      changes.filter((l) => cell(accountId, l, 'member') !== 'no: rule' && cell(accountId, l, 'member') !== 'no: code'),
    ).toEqual([]);
  });

  it('nobody hands out more than they hold: only a super admin creates super admins and owners, admins create admins', () => {
    expect(allowed(accountId, 'CreateUser (super_admin)')).toEqual(['super_admin']);
    expect(allowed(accountId, 'CreateUser (owner)')).toEqual(['super_admin']);
    expect(allowed(accountId, 'CreateUser (admin)')).toEqual(['super_admin', 'admin']);
    expect(allowed(accountId, 'CreateUser (member + manage_licenses)')).toEqual(['super_admin', 'admin']);
  });

  it('licenses are assigned by super admins, admins, manage_users and services with licenses:write only', () => {
    for (const label of [
      'AssignLicenses (another user)',
      'UnassignLicenses',
      'TransferLicense',
      'UpdateFeatures',
      'CreateUser (member, with a license)',
      ...(accountId === GOTO ? ['UpdatePhoneConfiguration'] : []),
    ]) {
      expect(allowed(accountId, label), label).toEqual(['super_admin', 'admin', 'member + manage_users', SERVICE]);
    }
    expect(allowed(accountId, 'AssignLicenses (to oneself)')).toEqual([
      'super_admin',
      'admin',
      'member + manage_users',
    ]);
  });

  it('queues are managed by super admins, admins and manage_users; a license removal that leaves every queue needs both rights', () => {
    const managers = ['super_admin', 'admin', 'member + manage_users'];
    for (const label of ['CreateQueue', 'RenameQueue', 'DeleteQueue', 'RemoveUserFromAllQueues'])
      expect(allowed(accountId, label), label).toEqual(managers);
    expect(allowed(accountId, 'UnassignLicenses (and leave every queue)')).toEqual(managers);
    // Only a Contact Center license holder joins a queue: nobody holds it on a Zendesk account.
    expect(allowed(accountId, 'AddQueueMember')).toEqual(accountId === GOTO ? managers : []);
  });

  it('the operations service answers operators only: every caller of the table is refused', async () => {
    const codes = async (token: string | null) => {
      const operations = createClient(OperationsService, stack.address, token ? { token } : {});
      const code = (call: Promise<unknown>) =>
        call.then(
          () => GrpcStatus.OK,
          (e: unknown) => decodeGrpcError(e as never).code,
        );
      try {
        return [await code(operations.runRetentionSweep({})), await code(operations.setClockOffset({}))];
      } finally {
        operations.close();
      }
    };
    for (const caller of CALLERS) {
      const claims = caller.claims(accountId, callerUsers[accountId]![caller.name] ?? '');
      const expected = claims ? GrpcStatus.PERMISSION_DENIED : GrpcStatus.UNAUTHENTICATED;
      expect(await codes(claims && (await stack.sign(claims))), caller.name).toEqual([expected, expected]);
    }
    // An operator of the account is still refused: operators act across accounts, from none.
    const scopedOperator = { subject: 'svc:ops', kind: 'service' as const, accountId, scopes: ['operations:write'] };
    expect(await codes(await stack.sign(scopedOperator))).toEqual([
      GrpcStatus.PERMISSION_DENIED,
      GrpcStatus.PERMISSION_DENIED,
    ]);
    // The operator sweeps; this deployment does not let its clock be moved.
    const operator = { subject: 'svc:ops', kind: 'service' as const, scopes: ['operations:write'] };
    expect(await codes(await stack.sign(operator))).toEqual([GrpcStatus.OK, GrpcStatus.UNIMPLEMENTED]);
  });

  it('users are changed and deactivated by whoever assigns licenses; nobody grants more than they have', () => {
    const userAdmins = ['super_admin', 'admin', 'member + manage_users', SERVICE];
    for (const label of ['UpdateUser (display name)', 'DeactivateUser', 'ReactivateUser', 'DeleteUser'])
      expect(allowed(accountId, label), label).toEqual(userAdmins);
    expect(allowed(accountId, 'UpdateUser (grant admin)')).toEqual(['super_admin', 'admin']);
    expect(allowed(accountId, 'UpdateUser (grant super_admin)')).toEqual(['super_admin']);
  });

  it('only a back-office service with sales_orders:complete completes sales orders', () => {
    expect(allowed(accountId, 'CompleteSalesOrder')).toEqual([SERVICE]);
  });

  it('a pending sales order is cancelled by whoever may request one, or by the back office that completes them', () => {
    expect(allowed(accountId, 'CancelSalesOrder')).toEqual([
      'super_admin',
      'admin',
      'owner',
      'member + manage_licenses',
      SERVICE,
    ]);
  });

  it('only a back-office service with accounts:write creates accounts and changes their terms', () => {
    for (const label of ['CreateAccount', 'UpdateAccount', 'SetCardOnFile'])
      expect(allowed(accountId, label), label).toEqual([SERVICE]);
    // Listing every account is the back office's too: a user reads their own account only.
    expect(allowed(accountId, 'ListAccounts')).toEqual([SERVICE]);
  });

  it('seats are bought by the super admin with a card on GoTo accounts and by the owner on Zendesk accounts', () => {
    expect(allowed(accountId, 'PurchaseSeats')).toEqual(accountId === GOTO ? ['super_admin'] : ['owner']);
    // A quote is the purchase's first step: who buys checks it out; who may only ask sales gets the
    // cart sent to sales, so everyone who may buy or request from sales may quote.
    expect(allowed(accountId, 'CheckoutQuote')).toEqual(accountId === GOTO ? ['super_admin'] : ['owner']);
    const buyOrRequest = new Set([
      ...allowed(accountId, 'PurchaseSeats'),
      ...allowed(accountId, 'RequestSeatsFromSales'),
    ]);
    expect(allowed(accountId, 'CreateQuote')).toEqual(CALLERS.map((c) => c.name).filter((n) => buyOrRequest.has(n)));
  });
});
