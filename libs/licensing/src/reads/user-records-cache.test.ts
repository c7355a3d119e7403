/**
 * A caller's roles come from their user record, cached per account by each instance: a change
 * committed through one instance reaches the other through the change feed, so a user whose
 * record changes gets their new rights on the other instance too, within the notification's delay.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LicensingService, QueueKind } from '@acme/contracts';
import { loadOrCreateDevKeys, signToken, type DevKeys } from '@acme/auth';
import { createClient, decodeGrpcError, GrpcStatus, type PromiseClient } from '@acme/grpc';
import { eventually, withPostgresDatabase } from '@acme/testing';
import { loadLicensingConfig } from '../config.js';
import { startLicensingService, type RunningLicensingService } from '../licensing-service.js';

type Client = PromiseClient<(typeof LicensingService)['method']>;
const GOTO = 'acct_demo_goto';
const database = await withPostgresDatabase('usercache');
const dir = mkdtempSync(join(tmpdir(), 'user-records-cache-'));
const services: RunningLicensingService[] = [];
const clients: Client[] = [];
let keys: DevKeys;

const token = (subject: string) =>
  signToken(keys.privateJwk, { subject, accountId: GOTO, issuer: 'acme-dev', audience: 'licensing' });
const client = (service: RunningLicensingService, jwt: string) => {
  const c = createClient(LicensingService, service.address, { token: jwt });
  clients.push(c);
  return c;
};

beforeAll(async () => {
  if (database.skip) return;
  keys = await loadOrCreateDevKeys(join(dir, 'keys.json'));
  for (let i = 0; i < 2; i++) {
    const config = loadLicensingConfig({
      GRPC_PORT: '0',
      DATABASE_URL: database.url,
      SEED_DEMO: 'true',
      LOG_LEVEL: 'silent',
    });
    services.push(await startLicensingService({ config, logger: pino({ level: 'silent' }), jwks: keys.publicJwks }));
  }
});

afterAll(async () => {
  for (const c of clients) c.close();
  for (const s of services) await s.stop();
  rmSync(dir, { recursive: true, force: true });
});

describe.skipIf(database.skip)("the user records behind callers' rights, with two instances", () => {
  it('a role given through one instance is a right on the other soon after, and taken away the same way', async () => {
    const [a, b] = services as [RunningLicensingService, RunningLicensingService];
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
