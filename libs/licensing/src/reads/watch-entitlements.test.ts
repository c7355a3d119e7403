/**
 * WatchEntitlements over the socket, with two service instances on one PostgreSQL: a watcher on
 * B keeps a local copy of the account's licenses from a snapshot and the changes that follow,
 * whichever instance made them, in commit order; it resumes from its cursor without a gap; a
 * cursor the account never reached is refused; a stopping service ends its watches cleanly.
 */
import fc from 'fast-check';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EntitlementChangeKind, SnapshotReason, type WatchEntitlementsResponse } from '@acme/contracts';
import { decodeGrpcError, GrpcStatus, type ServerStream } from '@acme/grpc';
import { eventually, withPostgresDatabase } from '@acme/testing';
import { startTwoInstances, type LicensingClient, type TwoInstances } from '../../test/two-instances.js';

const database = await withPostgresDatabase('watch');
let instances: TwoInstances;
let a: LicensingClient;
let b: LicensingClient;
const MANAGER = 'usr_demo_goto_manager';
const AGENT = 'usr_demo_goto_agent';

beforeAll(async () => {
  if (database.skip) return;
  instances = await startTwoInstances(database.url);
  const token = await instances.token('usr_demo_goto_admin');
  a = instances.client(instances.services[0], token);
  b = instances.client(instances.services[1], token);
});

afterAll(() => instances?.stop());

/**
 * A backend service's local copy: "user product" -> toggles, and the cursor. It reads the stream
 * in the background; `until` waits for a condition on it.
 */
function localCopy(stream: ServerStream<WatchEntitlementsResponse>) {
  const copy = {
    licenses: new Map<string, Record<string, boolean>>(),
    cursor: 0n,
    suspended: false,
    snapshots: [] as SnapshotReason[],
    changes: [] as { sequence: bigint; kind: EntitlementChangeKind; key: string }[],
    ended: null as unknown,
  };
  let building: Map<string, Record<string, boolean>> | null = null;
  void (async () => {
    for await (const message of stream) {
      const { event } = message;
      if (event.case === 'snapshot') {
        building ??= new Map();
        for (const user of event.value.users)
          for (const l of user.licenses) building.set(`${user.userId} ${l.productId}`, { ...l.features });
        if (event.value.last) {
          copy.licenses = building;
          building = null;
          copy.cursor = event.value.sequence;
          copy.suspended = event.value.suspended;
          copy.snapshots.push(event.value.reason);
        }
      } else if (event.case === 'change') {
        const c = event.value;
        const key = `${c.userId} ${c.productId}`;
        expect(c.sequence).toBeGreaterThan(copy.cursor); // commit order, nothing twice
        if (c.kind === EntitlementChangeKind.GRANTED || c.kind === EntitlementChangeKind.FEATURES_CHANGED)
          copy.licenses.set(key, { ...c.features });
        if (c.kind === EntitlementChangeKind.REVOKED) copy.licenses.delete(key);
        if (c.kind === EntitlementChangeKind.ACCOUNT_STATE) copy.suspended = c.suspended;
        copy.cursor = c.sequence;
        copy.changes.push({ sequence: c.sequence, kind: c.kind, key });
      }
    }
  })().then(
    () => (copy.ended = 'OK'),
    (error: unknown) => (copy.ended = error),
  );
  return copy;
}

/** A new user of the demo account, holding nothing. */
async function newUser(name: string): Promise<string> {
  const { user } = await a.createUser({ email: `${name}@demo-goto.test`, displayName: name });
  return user!.id;
}

/** Licenses as sorted text, so two copies compare whatever order their maps were filled in. */
const canonical = (licenses: Map<string, Record<string, boolean>>) =>
  [...licenses]
    .map(([key, features]) => `${key} ${JSON.stringify(Object.entries(features).sort())}`)
    .sort()
    .join('\n');

/** What the database says the account holds, as the local copy keys it. */
async function truth(client: LicensingClient) {
  const { assignments } = await client.listAssignments({ pageSize: 500 });
  return new Map(assignments.map((x) => [`${x.userId} ${x.productId}`, { ...x.features }]));
}

describe.skipIf(database.skip)('WatchEntitlements with two instances', () => {
  it('keeps a local copy equal to the database, whichever instance changes it', async () => {
    const stream = b.watchEntitlements({});
    const copy = localCopy(stream);
    await eventually(() => copy.snapshots.length === 1, { what: 'the first snapshot' });
    expect(copy.snapshots).toEqual([SnapshotReason.NEW_WATCH]);
    expect(canonical(copy.licenses)).toBe(canonical(await truth(a)));

    await a.assignLicenses({ userId: MANAGER, products: [{ productId: 'goto_connect_standard' }] });
    await b.updateFeatures({ userId: MANAGER, productId: 'goto_meeting', features: { hd_video: false } });
    await a.unassignLicenses({ userId: AGENT, productIds: ['goto_contact_center'] });
    await b.transferLicense({ fromUserId: MANAGER, toUserId: AGENT, productId: 'goto_meeting' });
    const expected = await truth(a);
    await eventually(() => canonical(copy.licenses) === canonical(expected), { what: 'the local copy catching up' });
    expect(copy.changes.map((c) => EntitlementChangeKind[c.kind])).toEqual([
      'GRANTED',
      'FEATURES_CHANGED',
      'REVOKED',
      'REVOKED',
      'GRANTED',
    ]);
    stream.cancel();
  });

  it('agrees with CheckEntitlements after random changes through both instances', async () => {
    const users = ['usr_demo_goto_admin', AGENT, MANAGER];
    const products = await a.listProducts({});
    const goto = products.products.filter((p) => p.id.startsWith('goto_'));
    const questions = goto.flatMap((p) => [
      { productId: p.id, feature: '' },
      ...p.features.map((f) => ({ productId: p.id, feature: f })),
    ]);
    /** Each user's answers, as "user product.feature yes|no". */
    const fromCheck = async () =>
      (await a.checkEntitlements({ userIds: users, queries: questions })).results
        .map((r) => `${r.userId} ${r.productId}.${r.feature} ${r.entitled ? 'yes' : 'no'}`)
        .join('\n');
    const fromCopy = (copy: ReturnType<typeof localCopy>) =>
      users
        .flatMap((userId) =>
          questions.map(({ productId, feature }) => {
            const held = copy.licenses.get(`${userId} ${productId}`);
            const yes = !copy.suspended && held !== undefined && (feature === '' || held[feature] !== false);
            return `${userId} ${productId}.${feature} ${yes ? 'yes' : 'no'}`;
          }),
        )
        .join('\n');
    const change = fc.record({
      via: fc.constantFrom('a', 'b'),
      kind: fc.constantFrom('assign', 'unassign', 'toggle'),
      userId: fc.constantFrom(...users),
      product: fc.constantFrom(...goto),
      on: fc.boolean(),
    });
    await fc.assert(
      fc.asyncProperty(fc.array(change, { minLength: 5, maxLength: 20 }), async (changes) => {
        const stream = b.watchEntitlements({});
        const copy = localCopy(stream);
        try {
          await eventually(() => copy.snapshots.length === 1, { what: 'the snapshot' });
          for (const c of changes) {
            const client = c.via === 'a' ? a : b;
            const feature = c.product.features[0]!;
            // Refusals (already held, not held, no seat left) change nothing: the copy must agree either way.
            await (
              c.kind === 'assign'
                ? client.assignLicenses({ userId: c.userId, products: [{ productId: c.product.id }] })
                : c.kind === 'unassign'
                  ? client.unassignLicenses({ userId: c.userId, productIds: [c.product.id] })
                  : client.updateFeatures({ userId: c.userId, productId: c.product.id, features: { [feature]: c.on } })
            ).catch(() => undefined);
          }
          const expected = await fromCheck();
          await eventually(() => fromCopy(copy) === expected, {
            what: 'the local copy agreeing with CheckEntitlements',
          });
        } finally {
          stream.cancel();
        }
      }),
      { numRuns: 5, seed: 20_261_207 },
    );
  });

  it('resumes after its cursor with exactly the changes it missed', async () => {
    const first = b.watchEntitlements({});
    const copy = localCopy(first);
    await eventually(() => copy.snapshots.length === 1, { what: 'the snapshot' });
    const cursor = copy.cursor;
    first.cancel();
    const userId = await newUser('resume');
    await a.assignLicenses({ userId, products: [{ productId: 'goto_meeting' }] });
    await a.unassignLicenses({ userId, productIds: ['goto_meeting'] });

    const resumed = a.watchEntitlements({ resumeAfter: cursor });
    const replay = localCopy(resumed);
    replay.cursor = cursor;
    await eventually(() => replay.changes.length >= 2, { what: 'the replay' });
    expect(replay.snapshots).toEqual([]); // no snapshot: the changes since the cursor are all there
    expect(replay.changes.map((c) => [c.key, EntitlementChangeKind[c.kind]])).toEqual([
      [`${userId} goto_meeting`, 'GRANTED'],
      [`${userId} goto_meeting`, 'REVOKED'],
    ]);
    resumed.cancel();
  });

  it('refuses a cursor past the account’s last event', async () => {
    const stream = a.watchEntitlements({ resumeAfter: 1_000_000n });
    const error = await (async () => {
      for await (const _ of stream) void _;
    })().catch((e: unknown) => e);
    expect(decodeGrpcError(error as never)).toMatchObject({
      code: GrpcStatus.INVALID_ARGUMENT,
      badRequest: { fieldViolations: [{ field: 'resume_after' }] },
    });
  });

  it('sees the other instance’s changes with its change feed cut, then ends cleanly when its service stops', async () => {
    const stream = b.watchEntitlements({});
    const copy = localCopy(stream);
    await eventually(() => copy.snapshots.length === 1, { what: 'the snapshot' });
    const admin = new pg.Client({ connectionString: database.url });
    await admin.connect();
    try {
      await admin.query(
        "select pg_terminate_backend(pid) from pg_stat_activity where datname = current_database() and query like 'listen%'",
      );
      const userId = await newUser('feed-cut');
      await a.assignLicenses({ userId, products: [{ productId: 'goto_meeting' }] });
      await eventually(() => copy.licenses.has(`${userId} goto_meeting`), {
        what: 'the change without a notification',
      });
    } finally {
      await admin.end();
    }
    await instances.stopOne(instances.services[1]);
    await eventually(() => copy.ended !== null, { what: 'the stream to end' });
    expect(copy.ended).toBe('OK'); // ended by the service, not cancelled by its shutdown's grace
  });
});
