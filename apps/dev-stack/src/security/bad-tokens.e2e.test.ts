/**
 * Every RPC, over the socket, with every kind of bad token: each call is UNAUTHENTICATED and
 * nothing changes, although each request would change the account for a real super admin (they are
 * sent without validate_only). Health and reflection answer without any token.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { create, toBinary } from '@bufbuild/protobuf';
import { AssignLicensesRequestSchema, LicensingService } from '@acme/contracts';
import { checkHealth, GrpcStatus, listServicesByReflection } from '@acme/grpc';
import { grpcFrame, sendGrpcBody } from '../bad-input/raw-connections.js';
import { badAuthorizations } from './bad-tokens.js';
import { PLANS, prepareFixtures, probesFor, type Probe } from './rpc-requests.js';
import { bearer, GOTO, RPCS, startSecurityStack, ZENDESK, type SecurityStack } from './security-stack.js';

let stack: SecurityStack;
let probes: Probe[];
let bad: Record<string, string | undefined>;
let member: string;
let admin: string;

/** Everything a change would show in: the audit trail and seat usage of both demo accounts. */
async function state(): Promise<string> {
  const seen: unknown[] = [];
  for (const accountId of [GOTO, ZENDESK]) {
    const auditor = bearer(await stack.sign({ subject: PLANS[accountId]!.superAdmin, accountId }));
    seen.push(
      (await stack.call('ListAuditEvents', { pageSize: 1000 }, auditor)).response,
      (await stack.call('GetSeatUsage', {}, auditor)).response,
    );
  }
  return JSON.stringify(seen, (_k, v: unknown) => (typeof v === 'bigint' ? v.toString() : v));
}

beforeAll(async () => {
  stack = await startSecurityStack();
  probes = probesFor(PLANS[GOTO]!, await prepareFixtures(stack, PLANS[GOTO]!), true);
  member = await stack.sign({ subject: 'usr_demo_goto_agent', accountId: GOTO });
  admin = await stack.sign({ subject: 'usr_demo_goto_admin', accountId: GOTO });
  bad = await badAuthorizations(stack.keys.privateJwk, member);
}, 60_000);

afterAll(async () => {
  await stack?.stop();
});

describe('bad tokens on every RPC', () => {
  it('probes every RPC of the service', () => {
    expect(RPCS.filter((rpc) => !probes.some((p) => p.rpc === rpc))).toEqual([]);
  });

  it('a valid token is not refused as unauthenticated by any probe (the bodies are not what fails)', async () => {
    for (const probe of probes) {
      const outcome = await stack.call(probe.rpc, probe.body({ userId: 'usr_demo_goto_agent' }), bearer(member));
      expect(outcome.code, probe.label).not.toBe(GrpcStatus.UNAUTHENTICATED);
    }
  });

  it('every kind of bad token is UNAUTHENTICATED on every RPC, and nothing changes', async () => {
    const before = await state();
    const accepted: string[] = [];
    for (const [kind, authorization] of Object.entries(bad)) {
      for (const probe of probes) {
        const outcome = await stack.call(probe.rpc, probe.body({ userId: 'usr_demo_goto_agent' }), authorization);
        if (outcome.code !== GrpcStatus.UNAUTHENTICATED || outcome.reason !== 'UNAUTHENTICATED')
          accepted.push(`${kind} / ${probe.label}: ${GrpcStatus[outcome.code]} ${outcome.message}`);
      }
    }
    expect(accepted).toEqual([]);
    expect(await state()).toBe(before);
    expect(Object.keys(bad).length * probes.length).toBeGreaterThanOrEqual(19 * 26);
  });

  it('an authorization header carrying two credentials is UNAUTHENTICATED, whichever comes first, and changes nothing', async () => {
    // What a proxy that merges repeated header fields sends. Two separate fields do not reach the
    // service as two: grpc-js clients refuse to send them, and Node's HTTP/2 layer keeps only the
    // first of a repeated authorization field (the service refuses two values if it ever got them).
    const before = await state();
    const assign = probes.find((p) => p.label === 'AssignLicenses (another user)')!;
    const frame = (extra: object) =>
      grpcFrame(
        toBinary(
          AssignLicensesRequestSchema,
          create(AssignLicensesRequestSchema, { ...assign.body({ userId: null }), ...extra } as never),
        ),
      );
    const body = frame({});
    for (const merged of [
      `${bearer(admin)}, ${bearer(member)}`,
      `${bearer(member)}, ${bearer(admin)}`,
      `${bearer(admin)},${bearer(admin)}`,
    ]) {
      const outcome = await sendGrpcBody(stack.address, 'AssignLicenses', body, '', { authorization: merged });
      expect(outcome, merged).toEqual({
        grpcStatus: GrpcStatus.UNAUTHENTICATED,
        resetCode: null,
        grpcMessage: 'malformed authorization metadata: expected "Bearer <jwt>"',
      });
    }
    expect(await state()).toBe(before);
    // The same request with one of those credentials passes (as a dry run, so the next test can
    // make it for real): the refusals above are the header's.
    expect(
      await sendGrpcBody(stack.address, 'AssignLicenses', frame({ validateOnly: true }), '', {
        authorization: bearer(admin),
      }),
    ).toMatchObject({ grpcStatus: GrpcStatus.OK });
  });

  it('the same requests with a real super admin token do change the account (so the check above could fail)', async () => {
    const before = await state();
    const assign = probes.find((p) => p.label === 'AssignLicenses (another user)')!;
    expect((await stack.call(assign.rpc, assign.body({ userId: null }), bearer(admin))).code).toBe(GrpcStatus.OK);
    expect(await state()).not.toBe(before);
  });
});

describe('health and reflection need no token', () => {
  it('answers the health check and lists the services', async () => {
    expect(await checkHealth(stack.address)).toBe('SERVING');
    expect(await checkHealth(stack.address, LicensingService.typeName)).toBe('SERVING');
    expect(await listServicesByReflection(stack.address)).toContain(LicensingService.typeName);
  });
});
