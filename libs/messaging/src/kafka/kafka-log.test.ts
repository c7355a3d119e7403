/**
 * kafkajs' log through the project logger: levels mapped, and a broker outage told once per client
 * (a warning, repeats at debug, an info line when a broker answers again), not once per retry.
 */
import { createServer, type Server, type Socket } from 'node:net';
import { logLevel, type LogEntry } from 'kafkajs';
import { pino } from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import { eventually } from '@acme/testing';
import { describesUnreachableBroker, KafkaLog } from './kafka-log.js';

interface Line {
  level: number;
  msg: string;
  component?: string;
  namespace?: string;
  [field: string]: unknown;
}

const LEVEL = { trace: 10, debug: 20, info: 30, warn: 40, error: 50 } as const;

/** A KafkaLog writing into an array, on a clock the test moves. */
function capture() {
  const lines: Line[] = [];
  const clock = { now: 1_000_000 };
  const logger = pino({ level: 'trace' }, { write: (line: string) => void lines.push(JSON.parse(line) as Line) });
  const log = new KafkaLog(logger, () => clock.now);
  const write = log.logCreator(logLevel.INFO);
  const entry = (level: logLevel, namespace: string, message: string, extra: Record<string, unknown> = {}) =>
    write({
      namespace,
      level,
      label: logLevel[level],
      log: { timestamp: new Date().toISOString(), logger: 'kafkajs', message, ...extra },
    } as LogEntry);
  const levels = () => lines.map((l) => `${l.level} ${l.msg}`);
  return { lines, clock, log, entry, levels };
}

/** What kafkajs 2.2.4 logs, at ERROR, during an outage of every broker (seen against the mock broker). */
const OUTAGE: [string, string, Record<string, unknown>][] = [
  [
    'Connection',
    'Connection error: connect ECONNREFUSED 127.0.0.1:39483',
    { broker: '127.0.0.1:39483', clientId: 'c', stack: 'Error: connect ECONNREFUSED' },
  ],
  [
    'BrokerPool',
    'Failed to connect to seed broker, trying another broker from the list: Connection error: connect ECONNREFUSED 127.0.0.1:41471',
    { retryCount: 0, retryTime: 100 },
  ],
  [
    'Consumer',
    'Crash: KafkaJSNumberOfRetriesExceeded: Connection error: connect ECONNREFUSED 127.0.0.1:32817',
    { groupId: 'g', retryCount: 5 },
  ],
  ['Consumer', 'Restarting the consumer in 2280ms', { retryCount: 5, retryTime: 2280, groupId: 'g' }],
  ['Consumer', 'Crash: KafkaJSNoBrokerAvailableError: No broker available', { groupId: 'g' }],
  ['Connection', 'Connection timeout', { broker: '127.0.0.1:39483' }],
  ['Producer', 'Failed to send messages: Closed connection', { retryCount: 1, retryTime: 300 }],
  [
    'Connection',
    'Response Metadata(key: 3, version: 6)',
    { error: 'There is no leader for this topic-partition as we are in the middle of a leadership election' },
  ],
];

const servers: Server[] = [];
const sockets: Socket[] = [];
afterEach(async () => {
  for (const s of sockets.splice(0)) s.destroy();
  await Promise.all(servers.splice(0).map((s) => new Promise((resolve) => s.close(resolve))));
});

/** A TCP server on a free port that writes `greeting` to every connection (none: it stays silent). */
async function broker(greeting?: string): Promise<{ port: number; connections: Socket[] }> {
  const connections: Socket[] = [];
  const server = createServer((socket) => {
    sockets.push(socket);
    connections.push(socket);
    if (greeting) socket.write(greeting);
  });
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { port: (server.address() as { port: number }).port, connections };
}

/** A connection made the way kafkajs makes one through the factory. */
async function connect(log: KafkaLog, port: number): Promise<Socket> {
  return new Promise((resolve) => {
    const socket: Socket = log.socketFactory({
      host: '127.0.0.1',
      port,
      ssl: undefined as never,
      onConnect: () => resolve(socket),
    });
    sockets.push(socket);
  });
}

describe('KafkaLog', () => {
  it("writes kafkajs lines as the project logger's, with the kafkajs namespace and fields, INFO as debug and DEBUG as trace", () => {
    const { lines, entry } = capture();
    entry(logLevel.INFO, 'ConsumerGroup', 'Consumer has joined the group', { groupId: 'g', memberId: 'm' });
    entry(logLevel.DEBUG, 'Connection', 'Request Fetch(key: 1, version: 11)', { correlationId: 7 });
    entry(logLevel.WARN, 'Runner', 'The group is rebalancing, re-joining', { groupId: 'g' });
    entry(logLevel.ERROR, 'Runner', 'Error when calling eachBatch', { error: 'ledger refused the batch' });
    expect(lines.map(({ level, msg, component, namespace }) => ({ level, msg, component, namespace }))).toEqual([
      { level: LEVEL.debug, msg: 'Consumer has joined the group', component: 'kafkajs', namespace: 'ConsumerGroup' },
      { level: LEVEL.trace, msg: 'Request Fetch(key: 1, version: 11)', component: 'kafkajs', namespace: 'Connection' },
      { level: LEVEL.warn, msg: 'The group is rebalancing, re-joining', component: 'kafkajs', namespace: 'Runner' },
      { level: LEVEL.error, msg: 'Error when calling eachBatch', component: 'kafkajs', namespace: 'Runner' },
    ]);
    expect(lines[0]).toMatchObject({ groupId: 'g', memberId: 'm' });
    expect(lines[3]).toMatchObject({ error: 'ledger refused the batch' });
    expect(lines.every((l) => !('timestamp' in l) && !('logger' in l))).toBe(true);
  });

  it("drops the idempotent producer's warning about limited retries (consumers de-duplicate)", () => {
    const { lines, entry } = capture();
    entry(logLevel.WARN, 'Producer', 'Limiting retries for the idempotent producer may invalidate EoS guarantees');
    expect(lines).toEqual([]);
  });

  it('tells an outage once: the first connection error is a warning, every repeat is debug', () => {
    const { lines, entry, clock } = capture();
    for (let retry = 0; retry < 10; retry++) {
      for (const [namespace, message, extra] of OUTAGE) {
        entry(logLevel.ERROR, namespace, message, extra);
        clock.now += 50;
      }
    }
    expect(lines.filter((l) => l.level >= LEVEL.warn)).toEqual([
      expect.objectContaining({
        level: LEVEL.warn,
        namespace: 'Connection',
        msg: `Kafka brokers unreachable: ${OUTAGE[0]![1]} (repeats are logged at debug until a broker answers)`,
      }),
    ]);
    expect(lines.filter((l) => l.level === LEVEL.debug)).toHaveLength(10 * OUTAGE.length - 1);
    expect(lines[1]).toMatchObject({ level: LEVEL.debug, namespace: 'BrokerPool', msg: OUTAGE[1]![1], retryCount: 0 });
  });

  it('keeps errors that are not about reaching brokers at error, during an outage too', () => {
    const { levels, entry } = capture();
    entry(logLevel.ERROR, 'Connection', 'Connection error: connect ECONNREFUSED 127.0.0.1:1');
    entry(logLevel.ERROR, 'Runner', 'Error when calling eachBatch', { error: 'the ledger refused the batch' });
    entry(logLevel.ERROR, 'Consumer', 'Crash: KafkaJSNonRetriableError: GROUP_AUTHORIZATION_FAILED');
    expect(levels()).toEqual([
      `${LEVEL.warn} Kafka brokers unreachable: Connection error: connect ECONNREFUSED 127.0.0.1:1 (repeats are logged at debug until a broker answers)`,
      `${LEVEL.error} Error when calling eachBatch`,
      `${LEVEL.error} Crash: KafkaJSNonRetriableError: GROUP_AUTHORIZATION_FAILED`,
    ]);
  });

  it("tells the group's rejoin answers at debug around an outage, and as warnings outside one", async () => {
    const { lines, entry, log, clock } = capture();
    const rejoin = [
      'Connection',
      'Response SyncGroup(key: 14, version: 3)',
      { error: 'The group is rebalancing, so a rejoin is needed' },
    ] as const;
    entry(logLevel.ERROR, rejoin[0], rejoin[1], rejoin[2]);
    expect(lines.at(-1)).toMatchObject({ level: LEVEL.warn, msg: rejoin[1] });
    const answering = await broker('hello');
    entry(logLevel.ERROR, 'Connection', OUTAGE[0]![1]);
    entry(logLevel.ERROR, rejoin[0], rejoin[1], rejoin[2]);
    expect(lines.at(-1)).toMatchObject({ level: LEVEL.debug, msg: rejoin[1] });
    await connect(log, answering.port);
    await eventually(() => lines.some((l) => l.msg === 'Kafka brokers answer again'), {
      what: 'the end of the outage',
    });
    // The group forms again after the outage: still part of it.
    entry(logLevel.ERROR, rejoin[0], rejoin[1], rejoin[2]);
    expect(lines.at(-1)).toMatchObject({ level: LEVEL.debug, msg: rejoin[1] });
    clock.now += 61_000;
    entry(logLevel.ERROR, rejoin[0], rejoin[1], rejoin[2]);
    expect(lines.at(-1)).toMatchObject({ level: LEVEL.warn, msg: rejoin[1] });
    expect(lines.filter((l) => l.level >= LEVEL.error)).toEqual([]);
  });

  it('leaves a consumer restart outside an outage at its level', () => {
    const { levels, entry } = capture();
    entry(logLevel.ERROR, 'Consumer', 'Restarting the consumer in 100ms');
    expect(levels()).toEqual([`${LEVEL.error} Restarting the consumer in 100ms`]);
  });

  it('ends the outage when a connection opened during it gets an answer, and tells the next one again', async () => {
    const { lines, levels, entry, log } = capture();
    const answering = await broker('hello');
    entry(logLevel.ERROR, 'Connection', OUTAGE[0]![1]);
    entry(logLevel.ERROR, 'BrokerPool', OUTAGE[1]![1]);
    entry(logLevel.ERROR, 'Consumer', OUTAGE[2]![1]);
    await connect(log, answering.port);
    await eventually(() => lines.some((l) => l.msg === 'Kafka brokers answer again'), {
      what: 'the end of the outage',
    });
    expect(lines.at(-1)).toMatchObject({ level: LEVEL.info, component: 'kafkajs', repeats: 2 });
    entry(logLevel.ERROR, 'Connection', OUTAGE[0]![1]);
    expect(levels().filter((l) => l.startsWith(`${LEVEL.warn} `))).toHaveLength(2);
  });

  it('is not ended by a connection opened before it, nor by one that connects but never gets an answer', async () => {
    const { lines, entry, log } = capture();
    const answering = await broker();
    const silent = await broker();
    // Opened while all was well; the broker writes to it only later, during the outage.
    const before = await connect(log, answering.port);
    await eventually(() => answering.connections.length === 1, { what: 'the connection accepted' });
    entry(logLevel.ERROR, 'Connection', OUTAGE[0]![1]);
    const seen = new Promise((resolve) => before.once('data', resolve));
    answering.connections[0]!.write('late answer');
    await seen;
    const quiet = await connect(log, silent.port);
    expect(quiet.readyState).toBe('open');
    entry(logLevel.ERROR, 'BrokerPool', OUTAGE[1]![1]);
    expect(lines.map((l) => l.level)).toEqual([LEVEL.warn, LEVEL.debug]);
  });

  it('tells a connection error after a minute without any as a new outage', () => {
    const { levels, entry, clock } = capture();
    entry(logLevel.ERROR, 'Connection', OUTAGE[0]![1]);
    clock.now += 59_000;
    entry(logLevel.ERROR, 'Connection', OUTAGE[0]![1]);
    clock.now += 59_000;
    entry(logLevel.ERROR, 'Connection', OUTAGE[0]![1]);
    clock.now += 61_000;
    entry(logLevel.ERROR, 'Connection', OUTAGE[0]![1]);
    expect(levels().map((l) => Number(l.split(' ')[0]))).toEqual([LEVEL.warn, LEVEL.debug, LEVEL.debug, LEVEL.warn]);
  });

  it('recognises what kafkajs says when brokers cannot be reached, and nothing else', () => {
    for (const [, message] of OUTAGE.slice(0, 3)) expect(describesUnreachableBroker(message), message).toBe(true);
    expect(
      describesUnreachableBroker(
        'KafkaJSNumberOfRetriesExceeded: Connection error: connect ECONNREFUSED 127.0.0.1:9092',
      ),
    ).toBe(true);
    expect(describesUnreachableBroker('Request Produce(key: 0, version: 7) timed out')).toBe(true);
    expect(describesUnreachableBroker('The coordinator is not available')).toBe(true);
    expect(describesUnreachableBroker('This server is not the leader for that topic-partition')).toBe(true);
    expect(describesUnreachableBroker('Error when calling eachBatch')).toBe(false);
    expect(describesUnreachableBroker('The group is rebalancing, so a rejoin is needed')).toBe(false);
    expect(describesUnreachableBroker('GROUP_AUTHORIZATION_FAILED')).toBe(false);
  });
});
