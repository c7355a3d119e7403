import { collectDefaultMetrics, Registry } from 'prom-client';
import { openLedgerDatabase, type LedgerDatabase } from '@acme/billing-data-access';
import {
  createKafka,
  KafkaEventConsumer,
  KafkaPublisher,
  LICENSE_EVENTS_TOPIC,
  TopicAdmin,
  type EventConsumer,
  type EventPublisher,
} from '@acme/messaging';
import { ConfigError, startMetricsServer, type Logger, type MetricsServer } from '@acme/util';
import { ledgerDatabaseOptions, type BillingConfig } from '../config.js';
import { createLedgerHandler, type LedgerHandlerStats } from './ledger-handler.js';
import { registerBillingMetrics } from './billing-metrics.js';

export interface BillingServiceOptions {
  config: BillingConfig;
  logger: Logger;
  /**
   * In-process delivery (the dev stack): consume from and dead-letter to these instead of Kafka.
   * Without it, KAFKA_BROKERS is required.
   */
  embedded?: { consumer: EventConsumer; deadLetters: EventPublisher };
  now?: () => Date;
}

export interface RunningBillingService {
  stats(): LedgerHandlerStats;
  /** Prometheus metrics of this instance (throughput, dead letters, consumer lag). */
  registry: Registry;
  /** Port of the Prometheus endpoint; null when METRICS_PORT is unset. */
  metricsPort: number | null;
  ledger: LedgerDatabase;
  stop(): Promise<void>;
}

/**
 * Composes the billing consumer: the ledger database (migrated), the one ledger handler, and its
 * feed, a Kafka consumer group member (KAFKA_BROKERS) or the in-process bus. The production app and
 * the dev stack both start it through here.
 */
export async function startBillingService(options: BillingServiceOptions): Promise<RunningBillingService> {
  const { config, logger } = options;
  if (!options.embedded && !config.KAFKA_BROKERS)
    throw new ConfigError(['KAFKA_BROKERS: required: comma-separated host:port list of the Kafka brokers']);
  const ledger = await openLedgerDatabase(ledgerDatabaseOptions(config));
  try {
    await ledger.migrate();
    const feed: Feed = options.embedded ?? kafkaFeed(config, logger);
    const registry = new Registry();
    collectDefaultMetrics({ register: registry });
    const { kafka } = feed;
    const onBatch = registerBillingMetrics(
      registry,
      kafka
        ? {
            lag: () => kafka.admin.groupLag(LICENSE_EVENTS_TOPIC, config.KAFKA_GROUP_ID),
            assignedPartitions: () => kafka.consumer.assignedPartitions(),
          }
        : null,
    );
    const handler = createLedgerHandler({
      ledger,
      deadLetters: feed.deadLetters,
      logger,
      onBatch,
      ...(options.now ? { now: options.now } : {}),
    });
    await feed.consumer.consume(LICENSE_EVENTS_TOPIC, handler.handle);
    const metrics: MetricsServer | null =
      config.METRICS_PORT === undefined
        ? null
        : await startMetricsServer({ registry, host: config.METRICS_HOST, port: config.METRICS_PORT, logger });
    return {
      stats: handler.stats,
      registry,
      metricsPort: metrics?.port ?? null,
      ledger,
      async stop() {
        // The batch in hand finishes and commits its offsets; then the group rebalances without us.
        await feed.consumer.stop();
        // The embedded feed belongs to the caller; a Kafka feed is ours to close.
        if (feed.kafka) {
          await feed.deadLetters.close();
          await feed.kafka.admin.close();
        }
        await metrics?.close();
        await ledger.close();
      },
    };
  } catch (error) {
    await ledger.close();
    throw error;
  }
}

/** Where events come from and refused ones go; with Kafka, also what its metrics are read from. */
interface Feed {
  consumer: EventConsumer;
  deadLetters: EventPublisher;
  kafka?: { consumer: KafkaEventConsumer; admin: TopicAdmin };
}

function kafkaFeed(config: BillingConfig, logger: Logger): Feed {
  const kafka = createKafka({ brokers: config.KAFKA_BROKERS!.split(','), clientId: config.KAFKA_CLIENT_ID, logger });
  const consumer = new KafkaEventConsumer(kafka, {
    groupId: config.KAFKA_GROUP_ID,
    logger: logger.child({ component: 'kafka-consumer' }),
    chunkSize: config.BILLING_BATCH_SIZE,
    concurrentPartitions: config.BILLING_CONCURRENT_PARTITIONS,
    fetchMaxWaitMs: config.KAFKA_FETCH_MAX_WAIT_MS,
    sessionTimeoutMs: config.KAFKA_SESSION_TIMEOUT_MS,
    heartbeatIntervalMs: config.KAFKA_HEARTBEAT_MS,
  });
  return { consumer, deadLetters: new KafkaPublisher(kafka), kafka: { consumer, admin: new TopicAdmin(kafka) } };
}
