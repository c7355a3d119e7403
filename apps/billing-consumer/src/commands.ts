import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openLedgerDatabase } from '@acme/billing-data-access';
import {
  formatInvoice,
  ledgerDatabaseOptions,
  loadBillingConfig,
  previewInvoice,
  replayAndCompare,
  type BillingConfig,
} from '@acme/billing';
import { createKafka, LICENSE_EVENTS_DLQ_TOPIC, LICENSE_EVENTS_TOPIC, TopicAdmin } from '@acme/messaging';
import { ConfigError, createLogger } from '@acme/util';

/** The consumer's configuration, with Kafka required for the commands that talk to it. */
function config(needsKafka: boolean): BillingConfig & { KAFKA_BROKERS: string } {
  const loaded = loadBillingConfig({ LOG_LEVEL: 'warn', ...process.env });
  if (needsKafka && !loaded.KAFKA_BROKERS)
    throw new ConfigError(['KAFKA_BROKERS: required: comma-separated host:port list of the Kafka brokers']);
  return loaded as BillingConfig & { KAFKA_BROKERS: string };
}

export async function runMigrate(): Promise<void> {
  const settings = config(false);
  const ledger = await openLedgerDatabase(ledgerDatabaseOptions(settings));
  try {
    const applied = await ledger.migrate();
    const where = settings.BILLING_DATABASE_URL ? 'PostgreSQL (BILLING_DATABASE_URL)' : settings.BILLING_SQLITE_PATH;
    process.stdout.write(
      applied.length ? `billing: applied ${applied.join(', ')} on ${where}\n` : `billing: up to date on ${where}\n`,
    );
  } finally {
    await ledger.close();
  }
}

export async function runInvoice(options: { account: string; from: Date; to: Date; json?: boolean }): Promise<void> {
  const ledger = await openLedgerDatabase(ledgerDatabaseOptions(config(false)));
  try {
    await ledger.migrate();
    const invoice = previewInvoice(await ledger.entries(options.account, { before: options.to }), {
      accountId: options.account,
      from: options.from,
      to: options.to,
    });
    process.stdout.write(options.json ? `${JSON.stringify(invoice, null, 2)}\n` : `${formatInvoice(invoice)}\n`);
  } finally {
    await ledger.close();
  }
}

export async function runReplay(options: { into?: string; wait: number }): Promise<void> {
  const settings = config(true);
  const logger = createLogger({ name: 'billing-replay', level: settings.LOG_LEVEL });
  const scratch = options.into ? null : mkdtempSync(join(tmpdir(), 'ledger-replay-'));
  const target = options.into ?? join(scratch!, 'ledger.db');
  const live = await openLedgerDatabase(ledgerDatabaseOptions(settings));
  const rebuilt = await openLedgerDatabase(
    /^postgres(ql)?:\/\//.test(target) ? { databaseUrl: target } : { sqlitePath: target },
  );
  try {
    await rebuilt.migrate();
    const report = await replayAndCompare({
      kafka: createKafka({
        brokers: settings.KAFKA_BROKERS.split(','),
        clientId: `${settings.KAFKA_CLIENT_ID}-replay`,
        logger,
      }),
      live,
      rebuilt,
      groupId: settings.KAFKA_GROUP_ID,
      logger,
      waitForLiveMs: options.wait * 1000,
    });
    const lines = [
      `read ${report.messages} message(s) of ${LICENSE_EVENTS_TOPIC} up to ${JSON.stringify(report.endOffsets)} (${report.deadLetters} would be dead-lettered)`,
      `live ledger: ${report.liveEvents} event(s), ${report.liveEntries} entr(ies); rebuilt: ` +
        `${report.rebuiltEvents} event(s), ${report.rebuiltEntries} entr(ies)`,
      report.identical ? 'identical' : 'DIFFERENT',
      ...report.differences.map((d) => `  ${d}`),
    ];
    process.stdout.write(`${lines.join('\n')}\n`);
    process.exitCode = report.identical ? 0 : 1;
  } finally {
    await rebuilt.close();
    await live.close();
    if (scratch) rmSync(scratch, { recursive: true, force: true });
  }
}

export async function runProvisionTopics(options: { partitions: number; replication: number }): Promise<void> {
  const settings = config(true);
  const logger = createLogger({ name: 'billing-topics', level: settings.LOG_LEVEL });
  const admin = new TopicAdmin(
    createKafka({ brokers: settings.KAFKA_BROKERS.split(','), clientId: `${settings.KAFKA_CLIENT_ID}-admin`, logger }),
  );
  try {
    const created = await admin.ensureTopics([
      {
        topic: LICENSE_EVENTS_TOPIC,
        partitions: options.partitions,
        replicationFactor: options.replication,
        config: { 'retention.ms': '-1', 'min.insync.replicas': String(Math.min(2, options.replication)) },
      },
      {
        topic: LICENSE_EVENTS_DLQ_TOPIC,
        partitions: 1,
        replicationFactor: options.replication,
        config: { 'retention.ms': '-1' },
      },
    ]);
    process.stdout.write(
      created.length ? `created: ${created.join(', ')}\n` : 'both topics exist already; nothing changed\n',
    );
  } finally {
    await admin.close();
  }
}
