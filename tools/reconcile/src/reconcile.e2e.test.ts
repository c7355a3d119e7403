/**
 * The reconciliation against the real pieces: the licensing service on PostgreSQL (demo seeded)
 * relaying its outbox in-process to the billing consumer's libsql ledger, as the dev stack wires
 * them, and changes made over the gRPC socket. Once the outbox is drained licensing and the ledger
 * agree; a ledger entry or a licensing row changed behind the services' backs is named, by the
 * function and by the command's exit code.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadOrCreateDevKeys, signToken } from '@acme/auth';
import { loadBillingConfig, startBillingService, type RunningBillingService } from '@acme/billing';
import { LicensingService, QueueKind, QueueRole } from '@acme/contracts';
import { createClient, type PromiseClient } from '@acme/grpc';
import { loadLicensingConfig, startLicensingService, type RunningLicensingService } from '@acme/licensing';
import { openDatabase, type Database } from '@acme/licensing-data-access';
import { InProcessEventBus } from '@acme/messaging';
import { eventually, tempSqlitePath, withPostgresDatabase } from '@acme/testing';
import { reconcile } from './reconcile.js';

const licensingPg = await withPostgresDatabase('reconcile');
const ledgerFile = tempSqlitePath();
const dir = mkdtempSync(join(tmpdir(), 'reconcile-'));
const root = fileURLToPath(new URL('../../../', import.meta.url));
const logger = pino({ level: 'silent' });
const GOTO = 'acct_demo_goto';
const CC = 'goto_contact_center';

let bus: InProcessEventBus;
let licensing: RunningLicensingService;
let billing: RunningBillingService;
let db: Database;
let goto: PromiseClient<(typeof LicensingService)['method']>;
/** The user the first test creates, assigns and queues; the second one tampers with their rows. */
let dana: { userId: string; meetingAssignmentId: string };

beforeAll(async () => {
  if (licensingPg.skip) return;
  const keys = await loadOrCreateDevKeys(join(dir, 'dev-jwks.json'));
  bus = new InProcessEventBus();
  billing = await startBillingService({
    config: loadBillingConfig({ BILLING_SQLITE_PATH: ledgerFile.path, LOG_LEVEL: 'silent' }),
    logger,
    embedded: { consumer: bus, deadLetters: bus },
  });
  licensing = await startLicensingService({
    config: loadLicensingConfig({
      GRPC_PORT: '0',
      DATABASE_URL: licensingPg.url,
      SEED_DEMO: 'true',
      OUTBOX_POLL_MS: '100',
      LOG_LEVEL: 'silent',
    }),
    logger,
    jwks: keys.publicJwks,
    publisher: bus,
  });
  db = await openDatabase({ databaseUrl: licensingPg.url, poolSize: 2 });
  const token = await signToken(keys.privateJwk, {
    subject: 'usr_demo_goto_admin',
    accountId: GOTO,
    issuer: 'acme-dev',
    audience: 'licensing',
  });
  goto = createClient(LicensingService, licensing.address, { token });
});

afterAll(async () => {
  goto?.close();
  await licensing?.stop();
  await billing?.stop();
  await bus?.close();
  await db?.close();
  ledgerFile.remove();
  rmSync(dir, { recursive: true, force: true });
});

/** Runs `npm run reconcile` as an operator would, reading only the variables given. */
function reconcileCommand(args: string[], env: Record<string, string>) {
  const child = spawn(
    join(root, 'node_modules/.bin/node'),
    ['--import', 'tsx', 'tools/reconcile/src/main.ts', ...args],
    {
      cwd: root,
      env: { PATH: process.env.PATH ?? '', ...env },
    },
  );
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  return new Promise<{ status: number | null; stdout: string; stderr: string }>((resolve, reject) => {
    child.on('error', reject);
    child.on('close', (status) => resolve({ status, stdout, stderr }));
  });
}

const outboxDrained = () =>
  eventually(async () => (await db.outbox.backlog()).pending === 0, { what: 'every outbox event in the ledger' });

const check = (settleMs: number) =>
  reconcile({ licensing: db, ledger: billing.ledger, contactCenterProductId: CC, settleMs });

describe.skipIf(licensingPg.skip)('reconcile', () => {
  it('finds no difference once the changes made over gRPC have reached the ledger', async () => {
    await goto.purchaseSeats({
      productId: 'goto_connect_standard',
      quantity: 2,
      expectedUnitPrice: { currencyCode: 'USD', amountMinor: 2700n },
    });
    const user = (await goto.createUser({ email: 'dana@demo-goto.test', displayName: 'Dana Agent' })).user!;
    const assigned = await goto.assignLicenses({
      userId: user.id,
      // Contact Center too: only its holders join queues.
      products: [{ productId: 'goto_connect_standard' }, { productId: 'goto_meeting' }, { productId: CC }],
    });
    dana = {
      userId: user.id,
      meetingAssignmentId: assigned.results.find((r) => r.productId === 'goto_meeting')!.assignment!.id,
    };
    await goto.unassignLicenses({ userId: 'usr_demo_goto_manager', productIds: ['goto_meeting'] });
    const front = (await goto.createQueue({ kind: QueueKind.CALL, name: 'Front desk' })).queue!;
    const back = (await goto.createQueue({ kind: QueueKind.INBOUND, name: 'Back office' })).queue!;
    await goto.addQueueMember({ queueId: front.id, userId: user.id, role: QueueRole.AGENT });
    await goto.addQueueMember({ queueId: back.id, userId: user.id, role: QueueRole.SUPERVISOR });
    await goto.addQueueMember({ queueId: front.id, userId: 'usr_demo_goto_agent', role: QueueRole.AGENT });
    await goto.removeUserFromAllQueues({ userId: 'usr_demo_goto_agent' });
    await outboxDrained();

    expect(await check(0)).toEqual({ accounts: 2, differences: [], pendingEvents: [], checks: 1 });
    const ran = await reconcileCommand(['--account', GOTO], {
      DATABASE_URL: licensingPg.url,
      BILLING_SQLITE_PATH: ledgerFile.path,
    });
    expect(ran).toMatchObject({ status: 0, stdout: 'no differences: 1 account(s)\n' });
  });

  it('names a ledger entry and licensing rows changed behind the services, and exits 1', async () => {
    // One seat more in the ledger than licensing sold.
    await billing.ledger.record(
      [
        {
          eventId: 'tampered-1',
          accountId: GOTO,
          sequence: 1_000_000,
          eventType: 'seats.purchased',
          outcome: 'entries',
          source: null,
          cause: null,
          entries: [
            {
              id: 'v1:tampered-1:0',
              eventId: 'tampered-1',
              accountId: GOTO,
              sequence: 1_000_000,
              kind: 'seats_added',
              productId: 'goto_meeting',
              userId: null,
              assignmentId: null,
              quantity: 1,
              unitPriceMinor: 1400,
              currency: 'USD',
              billingPeriod: 'month',
              billingBasis: 'purchased_seats',
              effectiveAt: new Date(Date.now() - 1000),
              reason: 'purchase',
            },
          ],
        },
      ],
      new Date(),
    );
    // An assignment and a queue membership gone from licensing without an event.
    const client = new pg.Client({ connectionString: licensingPg.url });
    await client.connect();
    await client.query('delete from assignment where id = $1', [dana.meetingAssignmentId]);
    await client.query('delete from cc_queue_member where user_id = $1', [dana.userId]);
    await client.end();
    const expected = [
      `${GOTO} goto_meeting: 10 seats purchased in licensing, 11 in the ledger`,
      `${GOTO} assignment ${dana.meetingAssignmentId} (${dana.userId}, goto_meeting): ` +
        'open seat in the ledger, not active in licensing',
      `${GOTO} ${CC} contact-center member ${dana.userId}: billed in the ledger, in no queue in licensing`,
    ];

    const report = await check(1200);
    expect(report.differences.map((d) => d.message)).toEqual(expected);
    expect(report.checks).toBeGreaterThan(1);

    const ran = await reconcileCommand(['--json', '--settle', '0'], {
      DATABASE_URL: licensingPg.url,
      BILLING_SQLITE_PATH: ledgerFile.path,
    });
    expect(ran.status, ran.stderr).toBe(1);
    const json = JSON.parse(ran.stdout) as { ok: boolean; accounts: number; differences: { message: string }[] };
    expect(json).toMatchObject({ ok: false, accounts: 2, pendingEvents: [], checks: 1 });
    expect(json.differences.map((d) => d.message)).toEqual(expected);
  });

  it('exits 2 on a bad option or a licensing database that is not there', async () => {
    const env = { DATABASE_URL: licensingPg.url, BILLING_SQLITE_PATH: ledgerFile.path };
    const badOption = await reconcileCommand(['--settle', 'soon'], env);
    expect(badOption.status).toBe(2);
    expect(badOption.stderr).toContain('expected a number of seconds, 0 or more');
    const noFile = await reconcileCommand([], {
      SQLITE_PATH: join(dir, 'none.db'),
      BILLING_SQLITE_PATH: ledgerFile.path,
    });
    expect(noFile.status).toBe(2);
    expect(noFile.stderr).toContain(`SQLITE_PATH: no database file at ${join(dir, 'none.db')}`);
  });
});
