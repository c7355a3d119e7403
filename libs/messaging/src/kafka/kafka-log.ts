import { connect as connectTcp, isIP } from 'node:net';
import { connect as connectTls } from 'node:tls';
import { logLevel, type ISocketFactory, type LogEntry, type logCreator } from 'kafkajs';
import type { Logger } from '@acme/util';

/** kafkajs log levels as pino levels; its INFO is chatty (every join, every connect), so debug. */
const LEVELS: Record<number, 'error' | 'warn' | 'debug' | 'trace'> = {
  [logLevel.ERROR]: 'error',
  [logLevel.WARN]: 'warn',
  [logLevel.INFO]: 'debug',
  [logLevel.DEBUG]: 'trace',
};

/**
 * What kafkajs says (in its message, or the `error` it quotes) when a broker cannot be reached, or
 * answers only that it cannot serve yet because a leader or coordinator moves after a broker went
 * away. Every retry of every connection says it again.
 */
const UNREACHABLE = new RegExp(
  [
    'Connection error',
    'Connection timeout',
    'Closed connection',
    'Failed to connect',
    'No broker available',
    'Broker \\S+ not found',
    'not connected',
    'ECONNREFUSED',
    'ECONNRESET',
    'ETIMEDOUT',
    'EHOSTUNREACH',
    'ENETUNREACH',
    'EPIPE',
    'ENOTFOUND',
    'EAI_AGAIN',
    'Request .* timed out',
    'coordinator is not available',
    'not the correct coordinator',
    'not the leader for',
    'no leader for this topic-partition',
  ].join('|'),
  'i',
);

/** kafkajs' notice that it restarts a consumer that crashed: during an outage, part of it. */
const RESTARTING = /^Restarting the consumer/;

/**
 * A broker's answer that kafkajs recovers from by itself, by retrying or by rejoining its group:
 * the group rebalancing under it, a member or generation the coordinator no longer knows, a
 * coordinator still loading. Around an outage every consumer meets them while the group forms
 * again (kafkajs logs each `Response SyncGroup(...)` so at ERROR); they are part of the outage, and
 * outside one they are warnings, not errors.
 */
const REJOINING = new RegExp(
  [
    'group is rebalancing',
    'coordinator is not aware of this member',
    'group generation id is not valid',
    'coordinator is loading',
    'member needs to have a valid member id',
  ].join('|'),
  'i',
);

/** Whether a kafkajs error (or log text) says that brokers cannot be reached: an outage, not a fault of ours. */
export function describesUnreachableBroker(text: string): boolean {
  return UNREACHABLE.test(text);
}

/**
 * After this long without a connection error, the next one is news again even if no connection
 * opened during the outage got an answer (say kafkajs never needed that broker again).
 */
const QUIET_MS = 60_000;

/** Keep-alive of kafkajs' own socket factory (network/socketFactory.js). */
const KEEP_ALIVE_DELAY_MS = 60_000;

interface Outage {
  /** Sockets opened from this generation on are connections made during the outage. */
  generation: number;
  startedAt: number;
  lastAt: number;
  /** Connection errors logged at debug since the warning. */
  repeats: number;
}

/**
 * kafkajs' own log, routed into the project logger (`component: kafkajs`, with kafkajs' namespace
 * and fields), at levels that fit: one Kafka client's view of a broker outage is one warning, not
 * one error per retry. kafkajs logs every failed connection, every retry of the seed broker, every
 * consumer crash and restart at ERROR: during a 20 s outage, some 75 lines per client.
 *
 * - The first connection error after a healthy period is a warning (saying that repeats follow at
 *   debug); the ones after it are debug.
 * - The outage ends when a connection opened after it began gets an answer from a broker (seen
 *   through the socket factory given to kafkajs), or after a minute without connection errors.
 *   Its end is logged at info, with how many errors were logged at debug meanwhile.
 * - Every other kafkajs line keeps its level (INFO as debug, DEBUG as trace): errors that are not
 *   about reaching brokers stay errors.
 *
 * One instance per kafkajs client: pass both `logCreator` and `socketFactory` to `new Kafka`.
 */
export class KafkaLog {
  private readonly logger: Logger;
  private outage: Outage | null = null;
  private lastOutageEnd = Number.NEGATIVE_INFINITY;
  private generation = 0;

  constructor(
    logger: Logger,
    private readonly now: () => number = Date.now,
  ) {
    this.logger = logger.child({ component: 'kafkajs' });
  }

  /** For `new Kafka({ logCreator })`. */
  readonly logCreator: logCreator = () => (entry) => this.write(entry);

  /**
   * For `new Kafka({ socketFactory })`: kafkajs' own factory, plus a listener for the first bytes
   * a broker sends on each connection (added before kafkajs adds its own, in the same tick).
   */
  readonly socketFactory: ISocketFactory = ({ host, port, ssl, onConnect }) => {
    const socket = ssl
      ? connectTls({ host, port, ...(isIP(host) ? {} : { servername: host }), ...ssl }, onConnect)
      : connectTcp({ host, port }, onConnect);
    socket.setKeepAlive(true, KEEP_ALIVE_DELAY_MS);
    const born = this.generation;
    socket.once('data', () => this.answered(born));
    return socket;
  };

  /** One kafkajs log entry, written at the level it deserves. */
  write({ namespace, level, log }: LogEntry): void {
    const {
      message,
      timestamp: _timestamp,
      logger: _name,
      ...fields
    } = log as { message: string; timestamp?: string; logger?: string; error?: unknown };
    // Our publisher limits the idempotent producer's retries on purpose (see KafkaPublisher):
    // consumers de-duplicate, so the warning about exactly-once semantics does not apply.
    if (message.startsWith('Limiting retries for the idempotent producer')) return;
    const mapped = LEVELS[level] ?? 'debug';
    if (level === logLevel.ERROR || level === logLevel.WARN) {
      const text = typeof fields.error === 'string' ? `${message} ${fields.error}` : message;
      if (describesUnreachableBroker(text) || (this.outage !== null && RESTARTING.test(message))) {
        this.unreachable(namespace, fields, message);
        return;
      }
      if (REJOINING.test(text)) {
        this.logger[this.nearOutage() ? 'debug' : 'warn']({ namespace, ...fields }, message);
        return;
      }
    }
    this.logger[mapped]({ namespace, ...fields }, message);
  }

  private unreachable(namespace: string, fields: Record<string, unknown>, message: string): void {
    const now = this.now();
    const outage = this.outage;
    if (outage && now - outage.lastAt < QUIET_MS) {
      outage.lastAt = now;
      outage.repeats++;
      this.logger.debug({ namespace, ...fields }, message);
      return;
    }
    this.outage = { generation: ++this.generation, startedAt: now, lastAt: now, repeats: 0 };
    this.logger.warn(
      { namespace, ...fields },
      `Kafka brokers unreachable: ${message} (repeats are logged at debug until a broker answers)`,
    );
  }

  /** During an outage, or within QUIET_MS of its end: when groups form again. */
  private nearOutage(): boolean {
    return this.outage !== null || this.now() - this.lastOutageEnd < QUIET_MS;
  }

  /** A broker answered on a connection opened in generation `born`. */
  private answered(born: number): void {
    const outage = this.outage;
    if (!outage || born < outage.generation) return;
    this.outage = null;
    this.lastOutageEnd = this.now();
    this.logger.info(
      { repeats: outage.repeats, unreachableForMs: this.now() - outage.startedAt },
      'Kafka brokers answer again',
    );
  }
}
