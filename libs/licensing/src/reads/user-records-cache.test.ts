/**
 * A caller's roles come from their user record, cached per account by each instance: a change
 * committed through one instance reaches the other through the change feed, so a user whose
 * record changes gets their new rights on the other instance too, within the notification's delay.
 */
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { QueueKind } from '@acme/contracts';
import { decodeGrpcError, GrpcStatus } from '@acme/grpc';
import { eventually, withPostgresDatabase } from '@acme/testing';
import type { RunningLicensingService } from '../licensing-service.js';
import { startTwoInstances, type TwoInstances } from '../../test/two-instances.js';

const database = await withPostgresDatabase('usercache');
let instances: TwoInstances;
const token = (subject: string) => instances.token(subject);
const client = (service: RunningLicensingService, jwt: string) => instances.client(service, jwt);

beforeAll(async () => {
  if (!database.skip) instances = await startTwoInstances(database.url);
});

afterAll(() => instances?.stop());

describe.skipIf(database.skip)("the user records behind callers' rights, with two instances", () => {
  it('a role given through one instance is a right on the other soon after, and taken away the same way', async () => {
    const [a, b] = instances.services;
    const adminOnA = client(a, await token('usr_demo_goto_admin'));
    const userId = (
      await adminOnA.createUser({
        email: 'two.instances@demo-goto.test',
        displayName: 'Two Instances',
        roles: ['member'],
      })
    ).user!.id;
    const userOnB = client(b, await token(userId));
    const mayCreateQueue = async () =>
      userOnB.createQueue({ kind: QueueKind.CALL, name: 'Two instances', validateOnly: true }).then(
        () => true,
        (error: unknown) => {
          if (decodeGrpcError(error as never).code !== GrpcStatus.PERMISSION_DENIED) throw error;
          return false;
        },
      );
    expect(await mayCreateQueue()).toBe(false); // B now holds the member record

    const sql = new pg.Client({ connectionString: database.url });
    await sql.connect();
    try {
      // No UpdateUser RPC yet: the row changes directly, then the account changes through A,
      // whose commit notifies B (as UpdateUser's own commit will).
      await sql.query(`update app_user set roles = '["admin"]'::jsonb where id = $1`, [userId]);
      await adminOnA.createUser({ email: 'bystander.1@demo-goto.test', displayName: 'Bystander' });
      await eventually(mayCreateQueue, { timeoutMs: 5_000, what: 'B sees the user made admin' });
      await sql.query(`update app_user set roles = '["member"]'::jsonb where id = $1`, [userId]);
      await adminOnA.createUser({ email: 'bystander.2@demo-goto.test', displayName: 'Bystander' });
      await eventually(async () => !(await mayCreateQueue()), {
        timeoutMs: 5_000,
        what: 'B sees the user made member again',
      });
    } finally {
      await sql.end();
    }
  });
});
