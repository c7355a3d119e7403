/**
 * The phone configuration as a resource: read, changed part by part (audited, an event naming the
 * parts), an extension unique in the account, no change while retained; and the operations that
 * sweep now and move a staging clock, for services with operations:write only.
 */
import { create } from '@bufbuild/protobuf';
import { TimestampSchema, durationFromMs, timestampDate } from '@bufbuild/protobuf/wkt';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  GetPhoneConfigurationRequestSchema,
  PhoneConfigurationState,
  PhoneDeviceKind,
  RunRetentionSweepRequestSchema,
  SetClockOffsetRequestSchema,
  UnassignLicensesRequestSchema,
  UpdateFeaturesRequestSchema,
  UpdatePhoneConfigurationRequestSchema,
  VoicemailGreeting,
} from '@acme/contracts';
import type { Database } from '@acme/licensing-data-access';
import { loadRuleSet } from '@acme/rules';
import { DRIVERS, callContext, caller, openSeededDatabase, refusal } from '../../test/handler-harness.js';
import { ServiceClock } from '../service-clock.js';
import { createAssignmentHandlers } from './assignment-handlers.js';
import { createOperationsHandlers } from './operations-handlers.js';
import { createPhoneHandlers } from './phone-handlers.js';

const rules = await loadRuleSet();
const ACCOUNT = 'acct_demo_goto';
const operator = caller({
  kind: 'service',
  subject: 'svc_ops',
  accountId: null,
  roles: [],
  scopes: ['operations:write'],
});

describe.each(DRIVERS)('phone configuration handlers on %s', (driver, skip) => {
  let db: Database;
  let cleanup = async () => {};
  const clock = new ServiceClock(() => new Date('2026-11-23T10:00:00Z'), true);
  const deps = () => ({ db, rules: () => rules, now: clock.now });
  const handlers = () => createPhoneHandlers(deps(), db);
  const operations = () => createOperationsHandlers(db, clock);
  const update = (fields: Parameters<typeof create<typeof UpdatePhoneConfigurationRequestSchema>>[1]) =>
    handlers().updatePhoneConfiguration(create(UpdatePhoneConfigurationRequestSchema, fields), callContext());
  const get = (userId: string) =>
    handlers().getPhoneConfiguration(create(GetPhoneConfigurationRequestSchema, { userId }), callContext());

  beforeAll(async () => {
    if (!skip) ({ db, cleanup } = await openSeededDatabase(driver, 'phone'));
  });
  afterAll(async () => {
    if (!skip) await cleanup();
  });

  it.skipIf(skip)('gives every GoTo Connect holder a configuration with the defaults', async () => {
    const { configuration } = await get('usr_demo_goto_agent');
    expect(configuration).toMatchObject({
      userId: 'usr_demo_goto_agent',
      productId: 'goto_connect_standard',
      extension: '',
      state: PhoneConfigurationState.ACTIVE,
      voicemail: { enabled: true, greeting: VoicemailGreeting.DEFAULT },
      devices: { devices: [{ kind: PhoneDeviceKind.SOFTPHONE, label: 'GoTo app' }] },
    });
    // Cy holds no GoTo Connect: no configuration.
    expect(await refusal(get('usr_demo_goto_manager'))).toMatchObject({ reason: 'NOT_FOUND' });
  });

  it.skipIf(skip)('changes the parts named, keeps the others, audits them and names them in the event', async () => {
    const response = await update({
      userId: 'usr_demo_goto_agent',
      extension: '101',
      forwarding: { enabled: true, toNumber: '+4930123456', afterRings: 3 },
    });
    expect(response.configuration).toMatchObject({
      extension: '101',
      forwarding: { enabled: true, toNumber: '+4930123456', afterRings: 3 },
      voicemail: { enabled: true },
    });
    expect((await get('usr_demo_goto_agent')).configuration).toEqual(response.configuration);
    const [audit] = (await db.audit.list(ACCOUNT, { resourceId: 'usr_demo_goto_agent' })).events;
    expect(audit).toMatchObject({ action: 'phone_configuration.changed', before: { extension: '' } });
    const last = (await db.outbox.list(ACCOUNT)).at(-1)!;
    expect(last.eventType).toBe('phone_configuration.changed');
    // The license's toggles show on the configuration while it is active.
    await createAssignmentHandlers(deps()).updateFeatures(
      create(UpdateFeaturesRequestSchema, {
        userId: 'usr_demo_goto_agent',
        productId: 'goto_connect_standard',
        features: { mobile_app: false },
      }),
      callContext(),
    );
    expect((await get('usr_demo_goto_agent')).configuration?.features).toMatchObject({ mobile_app: false });
  });

  it.skipIf(skip)('reports every bad field at once and keeps an extension to one user', async () => {
    const bad = await refusal(
      update({
        userId: 'usr_demo_goto_admin',
        extension: '12a',
        callerIdNumber: '030 123',
        forwarding: { enabled: true, toNumber: '', afterRings: 0 },
        devices: { devices: [{ kind: PhoneDeviceKind.UNSPECIFIED, label: '' }] },
      }),
    );
    expect(bad.fieldViolations.map((v) => v.field).sort()).toEqual([
      'caller_id_number',
      'devices.devices[0].kind',
      'devices.devices[0].label',
      'extension',
      'forwarding.after_rings',
      'forwarding.to_number',
    ]);
    const taken = await refusal(update({ userId: 'usr_demo_goto_admin', extension: '101' }));
    expect(taken).toMatchObject({ reason: 'ALREADY_EXISTS', metadata: { extension: '101' } });
  });

  it.skipIf(skip)('changes nothing while the configuration is retained', async () => {
    await createAssignmentHandlers(deps()).unassignLicenses(
      create(UnassignLicensesRequestSchema, { userId: 'usr_demo_goto_agent', productIds: ['goto_connect_standard'] }),
      callContext(),
    );
    const { configuration } = await get('usr_demo_goto_agent');
    expect(configuration?.state).toBe(PhoneConfigurationState.RETAINED);
    expect(configuration?.extension).toBe('101');
    const refused = await refusal(update({ userId: 'usr_demo_goto_agent', extension: '102' }));
    expect(refused).toMatchObject({ reason: 'CONFIGURATION_RETAINED' });
    expect(refused.metadata.purge_time).toBe(
      timestampDate(create(TimestampSchema, configuration!.purgeTime)).toISOString(),
    );
  });

  it.skipIf(skip)('sweeps now and moves the staging clock for operators only', async () => {
    const sweep = () => operations().runRetentionSweep(create(RunRetentionSweepRequestSchema), callContext(operator));
    expect((await sweep()).purged).toEqual([]);
    const offset = (days: number, who = operator) =>
      operations().setClockOffset(
        create(SetClockOffsetRequestSchema, { offset: durationFromMs(days * 86_400_000) }),
        callContext(who),
      );
    expect(await refusal(offset(8, caller()))).toMatchObject({ reason: 'PERMISSION_DENIED' });
    expect(await refusal(sweep().then(() => offset(-1)))).toMatchObject({ type: 'invalid_argument' });
    // Beyond ten years every later time could leave the Timestamp range.
    expect(await refusal(offset(3_700))).toMatchObject({ type: 'invalid_argument' });
    await offset(8);
    const swept = await sweep();
    expect(swept.purged).toMatchObject([{ accountId: ACCOUNT, userId: 'usr_demo_goto_agent' }]);
    expect(timestampDate(create(TimestampSchema, swept.sweptAt)).toISOString()).toBe('2026-12-01T10:00:00.000Z');
    expect(await refusal(get('usr_demo_goto_agent'))).toMatchObject({ reason: 'NOT_FOUND' });
    await offset(0);
    const fixed = new ServiceClock(() => new Date(), false);
    const refused = await refusal(
      createOperationsHandlers(db, fixed).setClockOffset(create(SetClockOffsetRequestSchema), callContext(operator)),
    );
    expect(refused).toMatchObject({ type: 'unimplemented' });
  });
});
