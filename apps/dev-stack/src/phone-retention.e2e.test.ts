/**
 * The GoTo phone-configuration retention story over the socket, on the dev stack with a movable
 * clock (ALLOW_CLOCK_OFFSET): removing GoTo Connect keeps the phone configuration 7 days, a
 * re-assignment inside the window restores it with the toggles the license had at removal (the
 * original finding: a toggle changed after the first assignment came back as it was before), and
 * an operator's sweep after the window purges it, so a later assignment starts from the defaults.
 * The clock is moved with SetClockOffset, never by waiting; times are compared with the service
 * time it answers.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { durationFromMs, durationMs, timestampDate, type Timestamp } from '@bufbuild/protobuf/wkt';
import {
  LicensingService,
  OperationsService,
  PhoneConfigurationState,
  PhoneDeviceKind,
  type DecisionSummary,
  type PhoneConfiguration,
} from '@acme/contracts';
import { createClient, decodeGrpcError, GrpcStatus, type PromiseClient } from '@acme/grpc';
import { startTestStack, type TestStack } from '../test/test-stack.js';

const MINUTE = 60_000;
const DAY = 86_400_000;
const TOLERANCE = 5 * MINUTE;
const AGENT = 'usr_demo_goto_agent';
const CONNECT = 'goto_connect_standard';

let demo: TestStack;
let operatorToken: string;
let agentToken: string;
let admin: PromiseClient<(typeof LicensingService)['method']>;
let operations: PromiseClient<(typeof OperationsService)['method']>;

beforeAll(async () => {
  demo = await startTestStack('phone-retention', { env: { ALLOW_CLOCK_OFFSET: 'true' } });
  const { stack, sign } = demo;
  operatorToken = await sign({ subject: 'svc:operator', kind: 'service', scopes: ['operations:write'] });
  agentToken = await sign({ subject: AGENT, accountId: 'acct_demo_goto' });
  admin = createClient(LicensingService, stack.address, { token: stack.token });
  operations = createClient(OperationsService, stack.address, { token: operatorToken });
});

afterAll(async () => {
  admin?.close();
  operations?.close();
  await demo?.stop();
});

const refusal = async (call: Promise<unknown>) => decodeGrpcError(await call.then(() => null).catch((e) => e));
const ms = (t: Timestamp | undefined) => {
  expect(t).toBeDefined();
  return timestampDate(t!).getTime();
};
/** Runs the service clock `offsetMs` ahead of the wall clock (the total, not added); answers the service time. */
const setOffset = async (offsetMs?: number) => {
  const answer = await operations.setClockOffset(offsetMs === undefined ? {} : { offset: durationFromMs(offsetMs) });
  expect(answer.offset ? durationMs(answer.offset) : 0).toBe(offsetMs ?? 0);
  return ms(answer.serviceTime);
};
const phone = async () => (await admin.getPhoneConfiguration({ userId: AGENT })).configuration!;
const effect = (decision: DecisionSummary | undefined, type: string) => decision?.effects.find((e) => e.type === type);
const assignConnect = async () => {
  const response = await admin.assignLicenses({ userId: AGENT, products: [{ productId: CONNECT }] });
  expect(response.results[0]?.assignment?.productId).toBe(CONNECT);
  return response;
};
const unassignConnect = () => admin.unassignLicenses({ userId: AGENT, productIds: [CONNECT] });

describe('GoTo phone configuration retention over the socket, with a movable clock', () => {
  const forwarding = { enabled: true, toNumber: '+4930123456', afterRings: 3 };
  let start: number;
  let configured: PhoneConfiguration;
  let purgeAt: number;

  it('1. the admin configures the agent’s phone, then switches a toggle of the license off', async () => {
    start = await setOffset();
    const defaults = await phone();
    expect(defaults).toMatchObject({
      userId: AGENT,
      productId: CONNECT,
      extension: '',
      voicemail: { enabled: true },
      devices: { devices: [{ kind: PhoneDeviceKind.SOFTPHONE, label: 'GoTo app' }] },
      state: PhoneConfigurationState.ACTIVE,
    });

    const updated = await admin.updatePhoneConfiguration({ userId: AGENT, extension: '301', forwarding });
    expect(updated.configuration).toMatchObject({ extension: '301', forwarding });
    expect(updated.decision?.validateOnly).toBe(false);

    const toggled = await admin.updateFeatures({ userId: AGENT, productId: CONNECT, features: { mobile_app: false } });
    expect(toggled.assignment?.features).toMatchObject({ mobile_app: false });

    configured = await phone();
    expect(configured).toMatchObject({
      extension: '301',
      forwarding,
      voicemail: { enabled: true },
      devices: { devices: [{ kind: PhoneDeviceKind.SOFTPHONE, label: 'GoTo app' }] },
      state: PhoneConfigurationState.ACTIVE,
      features: expect.objectContaining({ mobile_app: false }),
    });
    expect(configured.purgeTime).toBeUndefined();
  });

  it('2. removing GoTo Connect retains the configuration 7 days, says so and until when; it cannot be changed meanwhile', async () => {
    const removal = await unassignConnect();
    const retained = effect(removal.decision, 'configuration_retained');
    expect(retained).toMatchObject({ productId: CONNECT, userIds: [AGENT] });
    expect(retained?.message).toMatch(/kept for 7 days/);
    purgeAt = ms(retained?.until);
    expect(Math.abs(purgeAt - (start + 7 * DAY))).toBeLessThan(TOLERANCE);

    const kept = await phone();
    expect(kept.state).toBe(PhoneConfigurationState.RETAINED);
    expect(ms(kept.purgeTime)).toBe(purgeAt);
    expect(kept).toMatchObject({ extension: '301', forwarding });
    // Kept with it: the license's toggles as they were at removal, not as at the first assignment.
    expect(kept.features).toMatchObject({ mobile_app: false });

    const refused = await refusal(admin.updatePhoneConfiguration({ userId: AGENT, extension: '302' }));
    expect(refused).toMatchObject({
      code: GrpcStatus.FAILED_PRECONDITION,
      errorInfo: { reason: 'CONFIGURATION_RETAINED' },
    });
    expect((await phone()).extension).toBe('301');
  });

  it('3. three days later, re-assigning restores the phone as it was, with the toggle as it was at removal', async () => {
    const now = await setOffset(3 * DAY);
    expect(Math.abs(now - (start + 3 * DAY))).toBeLessThan(TOLERANCE);
    expect(now).toBeLessThan(purgeAt);

    const back = await assignConnect();
    expect(effect(back.decision, 'configuration_restored')).toBeDefined();
    expect(back.results[0]?.assignment?.features).toMatchObject({ mobile_app: false });

    const restored = await phone();
    expect(restored.state).toBe(PhoneConfigurationState.ACTIVE);
    expect(restored.purgeTime).toBeUndefined();
    expect(restored).toMatchObject({ extension: '301', forwarding });
    // Exactly the phone as it was at removal, the toggles UpdateFeatures changed included.
    expect(restored).toEqual(configured);
  });

  it('4. removed again, then past the window, the operator’s sweep purges it; a user may not sweep', async () => {
    const removal = await unassignConnect();
    const retained = effect(removal.decision, 'configuration_retained');
    expect(retained?.message).toMatch(/kept for 7 days/);
    const secondPurgeAt = ms(retained?.until);
    expect(Math.abs(secondPurgeAt - (start + 10 * DAY))).toBeLessThan(TOLERANCE);
    expect((await phone()).state).toBe(PhoneConfigurationState.RETAINED);

    const now = await setOffset(10 * DAY + MINUTE);
    expect(now).toBeGreaterThan(secondPurgeAt);
    const sweep = await operations.runRetentionSweep({});
    expect(ms(sweep.sweptAt)).toBeGreaterThanOrEqual(now);
    const purged = sweep.purged.filter((p) => p.userId === AGENT);
    expect(purged).toHaveLength(1);
    expect(purged[0]).toMatchObject({ accountId: 'acct_demo_goto', userId: AGENT, productId: CONNECT });
    expect(ms(purged[0]?.retainedUntil)).toBe(secondPurgeAt);

    const gone = await refusal(admin.getPhoneConfiguration({ userId: AGENT }));
    expect(gone).toMatchObject({ code: GrpcStatus.NOT_FOUND, errorInfo: { reason: 'NOT_FOUND' } });

    for (const token of [demo.stack.token, agentToken]) {
      const denied = await refusal(operations.runRetentionSweep({}, { token }));
      expect(denied).toMatchObject({
        code: GrpcStatus.PERMISSION_DENIED,
        errorInfo: { reason: 'PERMISSION_DENIED' },
      });
    }
  });

  it('5. "day 8": a new assignment restores nothing; the phone has the defaults, the toggles are on again', async () => {
    const fresh = await assignConnect();
    expect(effect(fresh.decision, 'configuration_restored')).toBeUndefined();
    expect(fresh.results[0]?.assignment?.features).toMatchObject({ mobile_app: true });

    const phoneNow = await phone();
    expect(phoneNow).toMatchObject({
      productId: CONNECT,
      extension: '',
      forwarding: { enabled: false, toNumber: '' },
      voicemail: { enabled: true },
      devices: { devices: [{ kind: PhoneDeviceKind.SOFTPHONE, label: 'GoTo app' }] },
      state: PhoneConfigurationState.ACTIVE,
    });
    expect(phoneNow.purgeTime).toBeUndefined();
  });

  it('6. the operator sets the clock back to the wall clock', async () => {
    const now = await setOffset();
    expect(Math.abs(now - Date.now())).toBeLessThan(TOLERANCE);
  });
});
