/**
 * `npm run stack` as the README tells a newcomer to use it: it starts the production path (the
 * built service and consumer on PostgreSQL and the Kafka mock), prints how to call it; a call
 * made as printed reaches the ledger through Kafka; Ctrl-C stops every process it started. With
 * OTEL_EXPORTER_OTLP_ENDPOINT set (as the README's tracing section says), the call's trace runs
 * from the caller's traceparent through both processes to the ledger write.
 */
import { execFile, spawn } from 'node:child_process';
import { promisify } from 'node:util';
import { timestampFromDate } from '@bufbuild/protobuf/wkt';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { createInterface } from 'node:readline';
import pg from 'pg';
import { afterAll, describe, expect, it } from 'vitest';
import { billing, LicensingService } from '@acme/contracts';
import { loadOrCreateDevKeys, signToken } from '@acme/auth';
import { createClient } from '@acme/grpc';
import { previewInvoice } from '@acme/billing';
import { openLedgerDatabase } from '@acme/billing-data-access';
import {
  eventually,
  freePort,
  onTestServer,
  skipWithoutPostgres,
  startOtlpReceiver,
  TEST_POSTGRES_URL,
} from '@acme/testing';

const ROOT = resolve(import.meta.dirname, '../../..');
const skip = await skipWithoutPostgres();
const dir = mkdtempSync(join(tmpdir(), 'stack-'));
const prefix = `t${Date.now().toString(36)}_`;
const execFileAsync = promisify(execFile);
const CALLER_TRACE = '4bf92f3577b34da6a3ce929d0e0e4736';
const CALLER_SPAN = '00f067aa0ba902b7';

afterAll(async () => {
  rmSync(dir, { recursive: true, force: true });
  if (skip) return;
  await onTestServer(async (admin) => {
    for (const name of ['licensing_stack', 'billing_stack'])
      await admin.query(`drop database if exists "${prefix}${name}" with (force)`);
  });
});

describe.skipIf(skip)('npm run stack', () => {
  it('serves the production path, carries a change and its trace to the ledger, and stops it all on Ctrl-C', async () => {
    const grpcPort = await freePort();
    const billingPort = await freePort();
    const collector = await startOtlpReceiver();
    const stack = spawn('npm', ['run', '-s', 'stack'], {
      cwd: ROOT,
      env: {
        ...process.env,
        STACK_POSTGRES_URL: TEST_POSTGRES_URL,
        STACK_DATABASE_PREFIX: prefix,
        STACK_GRPC_PORT: String(grpcPort),
        STACK_METRICS_PORT: String(await freePort()),
        STACK_BILLING_API_PORT: String(billingPort),
        STACK_DIR: dir,
        OTEL_EXPORTER_OTLP_ENDPOINT: collector.endpoint,
        OTEL_BSP_SCHEDULE_DELAY: '100',
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const lines: string[] = [];
    createInterface({ input: stack.stdout! }).on('line', (line) => lines.push(line));
    createInterface({ input: stack.stderr! }).on('line', (line) => lines.push(line));
    const exited = new Promise<number | null>((done) => stack.once('exit', (code) => done(code)));
    try {
      await eventually(() => lines.some((l) => l.startsWith('stack: ready')), {
        what: `the stack ready (${lines.slice(-5).join(' | ')})`,
        timeoutMs: 180_000,
        intervalMs: 200,
      });
      expect(lines.join('\n')).toContain(`--keys ${join(dir, 'keys.json')}`);

      // A call as printed: a token from the stack's keys, an assignment, its ledger entry.
      const keys = await loadOrCreateDevKeys(join(dir, 'keys.json'));
      const token = await signToken(keys.privateJwk, {
        subject: 'usr_demo_goto_admin',
        accountId: 'acct_demo_goto',
        issuer: 'acme-dev',
        audience: 'licensing',
      });
      const client = createClient(LicensingService, `127.0.0.1:${grpcPort}`, { token });
      // The caller is a traced backend service: its span is the parent of ours.
      const { results } = await client.assignLicenses(
        { userId: 'usr_demo_goto_manager', products: [{ productId: 'goto_connect_standard' }] },
        { metadata: { traceparent: `00-${CALLER_TRACE}-${CALLER_SPAN}-01` } },
      );
      client.close();
      const ledgerUrl = Object.assign(new URL(TEST_POSTGRES_URL), { pathname: `/${prefix}billing_stack` }).toString();
      const ledger = new pg.Client({ connectionString: ledgerUrl });
      await ledger.connect();
      try {
        await eventually(
          async () =>
            (await ledger.query('select 1 from ledger_entry where assignment_id = $1', [results[0]!.assignment!.id]))
              .rowCount === 1,
          { what: 'the assignment in the ledger', timeoutMs: 60_000, intervalMs: 100 },
        );
      } finally {
        await ledger.end();
      }

      // The billing API of the stack answers from that ledger, for a finance service.
      const finance = createClient(billing.BillingService, `127.0.0.1:${billingPort}`, {
        token: await signToken(keys.privateJwk, {
          subject: 'svc:finance',
          kind: 'service',
          scopes: ['billing:read'],
          issuer: 'acme-dev',
          audience: 'licensing',
        }),
      });
      const { entries, position } = await finance.listLedgerEntries({
        accountId: 'acct_demo_goto',
        kinds: ['seat_opened'],
        pageSize: 500,
      });
      expect(entries.map((e) => e.assignmentId)).toContain(results[0]!.assignment!.id);
      expect(position!.completeThroughSequence).toBeGreaterThan(0n);

      // This month's invoice is the same, to the cent, from the API, from the CLI on the ledger, and
      // from a clean replay of the topic into a fresh ledger.
      const now = new Date();
      const from = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), 1));
      const to = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth() + 1, 1));
      const fromApi = await finance.getInvoicePreview({
        accountId: 'acct_demo_goto',
        periodStart: timestampFromDate(from),
        periodEnd: timestampFromDate(to),
      });
      finance.close();
      const day = (date: Date) => date.toISOString().slice(0, 10);
      const billingCli = (args: string[], env: Record<string, string>) =>
        execFileAsync('npm', ['run', '-s', 'billing', '--', ...args], {
          cwd: ROOT,
          env: { ...process.env, ...env },
          timeout: 120_000,
        });
      const cli = await billingCli(
        ['invoice', '--account', 'acct_demo_goto', '--from', day(from), '--to', day(to), '--json'],
        { BILLING_DATABASE_URL: ledgerUrl },
      );
      const brokers = lines.flatMap((l) => /^stack: Kafka mock at (\S+) /.exec(l)?.[1] ?? [])[0]!;
      const replayed = join(dir, 'replayed-ledger.db');
      await billingCli(['replay', '--into', replayed, '--wait', '60'], {
        KAFKA_BROKERS: brokers,
        BILLING_DATABASE_URL: ledgerUrl,
      });
      const rebuilt = await openLedgerDatabase({ sqlitePath: replayed });
      const fromReplay = previewInvoice(await rebuilt.entries('acct_demo_goto', { before: to }), {
        accountId: 'acct_demo_goto',
        from,
        to,
      });
      await rebuilt.close();
      type Line = { kind: string; productId: string; userId: string | null; amountMinor: number };
      const money = (invoiceLines: Line[]) =>
        invoiceLines.map((l) => `${l.kind} ${l.productId} ${l.userId ?? ''} ${l.amountMinor}`);
      const cliInvoice = JSON.parse(cli.stdout) as {
        lines: Line[];
        totals: { currency: string; amountMinor: number }[];
      };
      const apiLines = fromApi.lines.map((l) => ({
        ...l,
        userId: l.userId || null,
        amountMinor: Number(l.amount!.amountMinor),
      }));
      expect(money(apiLines)).toEqual(money(cliInvoice.lines));
      expect(money(fromReplay.lines)).toEqual(money(cliInvoice.lines));
      expect(fromApi.totals.map((t) => [t.currencyCode, Number(t.amountMinor)])).toEqual(
        cliInvoice.totals.map((t) => [t.currency, t.amountMinor]),
      );
      expect(fromReplay.totals).toEqual(cliInvoice.totals);
      expect(cliInvoice.totals.length).toBeGreaterThan(0);

      // One trace, the caller's, across both processes: call, decision, transaction, publish,
      // consume, ledger write, each the child of the one before.
      const inTrace = () => collector.spans().filter((span) => span.traceId === CALLER_TRACE);
      await eventually(() => inTrace().some((span) => span.name === 'ledger.write'), {
        what: `the ledger write in the caller's trace (${inTrace().map((span) => span.name)})`,
        timeoutMs: 60_000,
        intervalMs: 100,
      });
      const spans = inTrace();
      const byId = (spanId: string) => spans.find((span) => span.spanId === spanId);
      const calls = spans.filter((span) => span.name === 'acme.licensing.v1.LicensingService/AssignLicenses');
      expect(calls).toHaveLength(1);
      const call = calls[0]!;
      expect(call).toMatchObject({
        service: 'licensing-service',
        parentSpanId: CALLER_SPAN,
        kind: 2,
        attributes: { 'rpc.grpc.status_code': 0 },
      });
      const transactions = spans.filter((span) => span.name === 'db.transaction');
      expect(transactions.map((span) => span.parentSpanId)).toEqual([call.spanId]);
      const decisions = spans.filter((span) => span.name === 'rules.decide assign');
      expect(decisions.length).toBeGreaterThan(0);
      for (const decision of decisions) {
        expect([call.spanId, transactions[0]!.spanId]).toContain(decision.parentSpanId);
        expect(decision.attributes['rules.version']).toMatch(/^[0-9a-f]{16}$/);
      }
      // From the ledger write of the assignment back to the transaction that wrote its event.
      const write = spans.find(
        (span) => span.name === 'ledger.write' && span.attributes['acme.event_type'] === 'license.assigned',
      )!;
      expect(write).toMatchObject({ service: 'billing-consumer', attributes: { 'acme.ledger.outcome': 'entries' } });
      const consume = byId(write.parentSpanId);
      expect(consume).toMatchObject({ service: 'billing-consumer', name: 'process license-events', kind: 5 });
      const publish = byId(consume!.parentSpanId);
      expect(publish).toMatchObject({ service: 'licensing-service', name: 'send license-events', kind: 4 });
      expect(publish!.parentSpanId).toBe(transactions[0]!.spanId);
      // The service's log line of the call names the trace.
      const callLine = lines.find(
        (l) =>
          l.startsWith('[licensing-service]') &&
          l.includes('"method":"acme.licensing.v1.LicensingService/AssignLicenses"'),
      );
      expect(callLine).toContain(`"trace_id":"${CALLER_TRACE}"`);
    } finally {
      // Every process the stack started, then Ctrl-C to npm (as a terminal sends it to the group).
      const started = lines.flatMap((l) => /^stack: started \S+ \(pid (\d+)\)$/.exec(l)?.[1] ?? []).map(Number);
      stack.kill('SIGINT');
      expect(await exited).toBe(0);
      expect(lines).toContain('stack: shutting down');
      expect(started).toHaveLength(4); // the Kafka mock, the service, the consumer, the billing API
      for (const pid of started) expect(() => process.kill(pid, 0), `process ${pid} still runs`).toThrow();
      await collector.close();
    }
  }, 300_000);
});
