/**
 * The operators' CLI as they run it: an invoice preview from a ledger file, precise refusals of
 * bad arguments, and the Kafka commands saying what they need.
 */
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openLedgerDatabase } from '@acme/billing-data-access';
import { tempSqlitePath } from '@acme/testing';

const root = fileURLToPath(new URL('../../../', import.meta.url));
const ledgerFile = tempSqlitePath();

function billing(args: string[], env: Record<string, string> = {}) {
  return spawnSync(
    join(root, 'node_modules/.bin/node'),
    ['--import', 'tsx', 'apps/billing-consumer/src/cli.ts', ...args],
    {
      cwd: root,
      env: { PATH: process.env.PATH ?? '', BILLING_SQLITE_PATH: ledgerFile.path, ...env },
      encoding: 'utf8',
      timeout: 60_000,
    },
  );
}

beforeAll(async () => {
  const ledger = await openLedgerDatabase({ sqlitePath: ledgerFile.path });
  await ledger.migrate();
  const entry = {
    accountId: 'acct_cli',
    sequence: 1,
    productId: 'goto_meeting',
    userId: null,
    assignmentId: null,
    unitPriceMinor: 1400,
    currency: 'USD',
    billingPeriod: 'month' as const,
    billingBasis: 'purchased_seats' as const,
    reason: 'purchase',
  };
  await ledger.record(
    [
      {
        eventId: 'cli-1',
        accountId: 'acct_cli',
        sequence: 1,
        eventType: 'seats.purchased',
        outcome: 'entries',
        source: null,
        cause: null,
        entries: [
          {
            ...entry,
            id: 'v1:cli-1:0',
            eventId: 'cli-1',
            kind: 'seats_added',
            quantity: 3,
            effectiveAt: new Date('2026-11-16T12:00:00Z'),
          },
        ],
      },
    ],
    new Date(),
  );
  await ledger.close();
});
afterAll(() => ledgerFile.remove());

describe('npm run billing', () => {
  it('previews an invoice from the ledger, prorated by day', () => {
    const result = billing(['invoice', '--account', 'acct_cli', '--from', '2026-11-01', '--to', '2026-12-01']);
    expect(result.stderr).toBe('');
    expect(result.status).toBe(0);
    // 3 seats held at the end of Nov 16 .. Nov 30 = 15 days each: 45 seat-days x 1400 / 30 = 2100.
    expect(result.stdout).toContain('Invoice preview for acct_cli: 2026-11-01 to 2026-11-30 (30 days)');
    expect(result.stdout).toMatch(/seats\s+goto_meeting\s+-\s+USD 14\.00 \/ month\s+45\s+USD 21\.00/);
    expect(result.stdout).toContain('Total USD 21.00');
  }, 60_000);

  it('prints the invoice as JSON on request', () => {
    const result = billing([
      'invoice',
      '--account',
      'acct_cli',
      '--from',
      '2026-11-01',
      '--to',
      '2026-12-01',
      '--json',
    ]);
    expect(JSON.parse(result.stdout)).toMatchObject({
      accountId: 'acct_cli',
      totals: [{ currency: 'USD', amountMinor: 2100 }],
    });
  }, 60_000);

  it('refuses a malformed date and a period that does not start before it ends, saying why', () => {
    const badDate = billing(['invoice', '--account', 'acct_cli', '--from', '2026-13-01', '--to', '2026-12-01']);
    expect(badDate.status).toBe(1);
    expect(badDate.stderr).toContain(
      "option '--from <date>' argument '2026-13-01' is invalid. expected a date as YYYY-MM-DD",
    );
    const backwards = billing(['invoice', '--account', 'acct_cli', '--from', '2026-12-01', '--to', '2026-11-01']);
    expect(backwards.status).toBe(1);
    expect(backwards.stderr).toMatch(/invalid invoice period: .*from .* before .*to/i);
  }, 60_000);

  it('says that replay and topic provisioning need KAFKA_BROKERS', () => {
    for (const command of ['replay', 'provision-topics']) {
      const result = billing([command]);
      expect(result.status).toBe(1);
      expect(result.stderr).toContain('KAFKA_BROKERS: required');
    }
  }, 60_000);
});
