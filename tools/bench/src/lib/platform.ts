import { writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startMockKafka, type MockKafka } from '@acme/kafka-mock';
import { openDatabase } from '@acme/licensing-data-access';
import { licenseTopics } from '@acme/messaging';
import { createTestPostgres, freePort, type TestDatabase } from '@acme/testing';
import { startLicensingProcess, type LicensingProcess } from './licensing-process.js';
import { startApp, type NodeProcess } from './processes.js';
import { seedBenchAccounts, type SeedPlan } from './seed.js';

export interface Platform {
  kafka: MockKafka;
  licensingDb: TestDatabase;
  ledgerDb: TestDatabase;
  licensing: LicensingProcess;
  billing: NodeProcess;
  billingMetricsPort: number;
  /** Tokens of each bench account's super admin, in a file for the load generator. */
  tokensFile: string;
  stop(): Promise<void>;
}

/**
 * The whole platform as deployed, each part its own process: the licensing service on
 * PostgreSQL relaying to Kafka (the mock broker), and the billing consumer on its own ledger
 * database, with bench accounts seeded.
 */
export async function startPlatform(
  plan: SeedPlan,
  options: { billingEnv?: Record<string, string>; nodeArgs?: string[] } = {},
): Promise<Platform> {
  const kafka = await startMockKafka({
    brokers: 3,
    topics: licenseTopics(12),
  });
  const licensingDb = await createTestPostgres('bench_platform');
  const ledgerDb = await createTestPostgres('bench_platform_ledger');
  const db = await openDatabase({ databaseUrl: licensingDb.url });
  await db.migrate();
  await db.close();
  await seedBenchAccounts(licensingDb.url, plan);
  const brokers = kafka.bootstrap.join(',');
  const licensing = await startLicensingProcess(
    { DATABASE_URL: licensingDb.url, KAFKA_BROKERS: brokers },
    options.nodeArgs ? { nodeArgs: options.nodeArgs } : {},
  );
  const billingMetricsPort = await freePort();
  const billing = await startApp(
    'billing-consumer',
    {
      KAFKA_BROKERS: brokers,
      BILLING_DATABASE_URL: ledgerDb.url,
      METRICS_PORT: String(billingMetricsPort),
      LOG_LEVEL: 'warn',
      ...options.billingEnv,
    },
    options.nodeArgs ? { nodeArgs: options.nodeArgs } : {},
  );
  const tokens: Record<string, string> = {};
  for (let a = 0; a < plan.accounts; a++)
    tokens[`acct_b${a}`] = await licensing.token({ subject: `usr_b${a}_admin`, accountId: `acct_b${a}` });
  const tokensFile = join(tmpdir(), `bench-platform-tokens-${process.pid}.json`);
  writeFileSync(tokensFile, JSON.stringify(tokens));
  return {
    kafka,
    licensingDb,
    ledgerDb,
    licensing,
    billing,
    billingMetricsPort,
    tokensFile,
    async stop() {
      await billing.stop();
      await licensing.stop();
      await kafka.stop();
      await licensingDb.drop();
      await ledgerDb.drop();
    },
  };
}

/** The cumulative buckets of a Prometheus histogram, read from a text endpoint. */
export async function scrapeHistogram(port: number, name: string): Promise<{ le: number; count: number }[]> {
  const text = await (await fetch(`http://127.0.0.1:${port}/metrics`)).text();
  return [...text.matchAll(new RegExp(`^${name}_bucket\\{le="([^"]+)"\\} (\\S+)$`, 'gm'))].map(([, le, count]) => ({
    le: le === '+Inf' ? Infinity : Number(le),
    count: Number(count),
  }));
}
