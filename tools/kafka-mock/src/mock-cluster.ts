import { ensureMockBroker } from './build.js';
import { LauncherProcess } from './launcher-process.js';

export interface MockTopic {
  name: string;
  partitions: number;
  /** Defaults to min(3, brokers). */
  replication?: number;
}

export interface MockKafkaOptions {
  /** Number of brokers, with ids 0..brokers-1 (default 3, at most 15). */
  brokers?: number;
  /** Topics to create before start-up completes (the mock has no CreateTopics API). */
  topics?: MockTopic[];
  /** Forward librdkafka's log from the launcher to stderr. */
  verbose?: boolean;
}

export interface MockBroker {
  id: number;
  /** host:port */
  address: string;
  up: boolean;
}

/** An ApiKey by name as librdkafka spells it (Produce, Fetch, Metadata, LeaveGroup...) or number. */
export type ApiKey = string | number;
/** A Kafka error code by number (6) or librdkafka name (NOT_LEADER_FOR_PARTITION, _TRANSPORT). */
export type ErrorCode = string | number;
export type BrokerSelector = number | 'all';

export interface MockKafka {
  /** The brokers' host:port list, for a client's `brokers` / `bootstrap.servers`. */
  readonly bootstrap: string[];
  /** Launcher process id (tests check it is gone after stop). */
  readonly pid: number;
  /** Sends a raw command line; resolves with the reply line ("ok ..." or "error <reason>"). */
  command(line: string): Promise<string>;
  brokers(): Promise<MockBroker[]>;
  topics(): Promise<{ name: string; partitions: number }[]>;
  /** Leader broker id of each partition, indexed by partition. */
  leaders(topic: string): Promise<number[]>;
  /**
   * Closes the broker's connections and refuses new ones. By default its partition leaders move
   * to live brokers first (returns how many moved): with leaders left on a down broker, kafkajs
   * stalls for 40 s or more ("Broker N not found").
   */
  brokerDown(broker: BrokerSelector, options?: { moveLeaders?: boolean }): Promise<number>;
  brokerUp(broker: BrokerSelector): Promise<void>;
  moveLeader(topic: string, partition: number, broker: number): Promise<void>;
  /** The next `count` requests of this type, to any broker, fail with `errorCode`. */
  injectErrors(apiKey: ApiKey, errorCode: ErrorCode, count?: number): Promise<void>;
  clearErrors(apiKey: ApiKey): Promise<void>;
  createTopic(name: string, partitions: number, replication?: number): Promise<void>;
  /** Limits the versions the brokers advertise for an API; -1, -1 disables it. */
  setApiVersions(apiKey: ApiKey, min: number, max: number): Promise<void>;
  /** Delays every response of the broker(s) by `ms`. */
  setRtt(broker: BrokerSelector, ms: number): Promise<void>;
  /** Stops the launcher and waits for it to exit. Idempotent. */
  stop(): Promise<void>;
}

/** A command the launcher answered with "error <reason>". */
export class MockKafkaCommandError extends Error {
  constructor(
    readonly command: string,
    readonly reason: string,
  ) {
    super(`kafka-mock: "${command}" failed: ${reason}`);
    this.name = 'MockKafkaCommandError';
  }
}

/**
 * Starts a Kafka mock cluster (librdkafka's mock brokers in a child process), building the
 * launcher first if needed. Stop it with `stop()`; it also exits when this process does.
 */
export async function startMockKafka(options: MockKafkaOptions = {}): Promise<MockKafka> {
  const binary = await ensureMockBroker();
  const args = ['--brokers', String(options.brokers ?? 3)];
  for (const t of options.topics ?? []) {
    args.push('--topic', [t.name, t.partitions, ...optional(t.replication)].join(':'));
  }
  if (options.verbose) args.push('--verbose');
  const launcher = await LauncherProcess.start(binary, args, { forwardStderr: options.verbose ?? false });

  /** Runs a command built from words; resolves with the reply after "ok", throws on "error". */
  const ok = async (...parts: (string | number)[]): Promise<string> => {
    const bad = parts.find((part) => !/^\S+$/.test(String(part)));
    if (bad !== undefined) throw new Error(`kafka-mock: invalid argument ${JSON.stringify(bad)} (one word expected)`);
    const line = parts.join(' ');
    const reply = await launcher.request(line);
    if (reply === 'ok' || reply.startsWith('ok ')) return reply.slice(3);
    throw new MockKafkaCommandError(line, reply.replace(/^error ?/, ''));
  };

  return {
    bootstrap: launcher.bootstrap,
    pid: launcher.pid,
    command: (line) => launcher.request(line),
    brokers: async () =>
      words(await ok('brokers')).map((entry) => {
        const [, id, address, state] = /^(\d+)=(.+):(up|down)$/.exec(entry) ?? []; // id=host:port:state
        return { id: Number(id), address: address!, up: state === 'up' };
      }),
    topics: async () =>
      words(await ok('topics')).map((entry) => {
        const colon = entry.lastIndexOf(':'); // name:partitions
        return { name: entry.slice(0, colon), partitions: Number(entry.slice(colon + 1)) };
      }),
    leaders: async (topic) => words(await ok('leaders', topic)).map((entry) => Number(entry.split('=')[1])), // partition=leader
    brokerDown: async (broker, { moveLeaders = true } = {}) => {
      const reply = await ok('down', broker, moveLeaders ? 'move' : 'keep');
      return Number(/ moved (\d+)/.exec(reply)?.[1] ?? 0);
    },
    brokerUp: async (broker) => void (await ok('up', broker)),
    moveLeader: async (topic, partition, broker) => void (await ok('leader', topic, partition, broker)),
    injectErrors: async (apiKey, errorCode, count = 1) => void (await ok('error', apiKey, errorCode, count)),
    clearErrors: async (apiKey) => void (await ok('clear', apiKey)),
    createTopic: async (name, partitions, replication) =>
      void (await ok('topic', name, partitions, ...optional(replication))),
    setApiVersions: async (apiKey, min, max) => void (await ok('apiver', apiKey, min, max)),
    setRtt: async (broker, ms) => void (await ok('rtt', broker, ms)),
    stop: () => launcher.stop(),
  };
}

function words(text: string): string[] {
  return text.split(' ').filter(Boolean);
}

function optional(value: number | undefined): number[] {
  return value === undefined ? [] : [value];
}
