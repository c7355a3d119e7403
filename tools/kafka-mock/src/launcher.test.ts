import { spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import { describe, expect, it } from 'vitest';
import { ensureMockBroker } from './build.js';
import { startMockKafka, type MockKafka } from './mock-cluster.js';
import { accepts, isRunning, waitUntilGone } from '../test/test-support.js';

async function withCluster(run: (kafka: MockKafka) => Promise<void>): Promise<void> {
  const kafka = await startMockKafka({ brokers: 3, topics: [{ name: 'events', partitions: 3 }] });
  try {
    await run(kafka);
  } finally {
    await kafka.stop();
  }
}

/** Sends each line in turn and checks its reply: a string is exact, a RegExp must match. */
async function expectReplies(kafka: MockKafka, exchanges: [string, string | RegExp][]): Promise<void> {
  for (const [line, expected] of exchanges) {
    const reply = await kafka.command(line);
    if (typeof expected === 'string') expect(reply, line).toBe(expected);
    else expect(reply, line).toMatch(expected);
  }
}

describe('kafka-mock launcher', () => {
  it('prints a bootstrap list of brokers 0..n-1 whose ports accept connections', async () => {
    await withCluster(async (kafka) => {
      expect(kafka.bootstrap).toHaveLength(3);
      expect(await Promise.all(kafka.bootstrap.map(accepts))).toEqual([true, true, true]);
      const listed = kafka.bootstrap.map((address, id) => `${id}=${address}:up`).join(' ');
      expect(await kafka.command('brokers')).toBe(`ok ${listed}`);
    });
  });

  it('answers ok to every command given valid input', async () => {
    await withCluster((kafka) =>
      expectReplies(kafka, [
        ['help', /^ok commands: brokers \| topics \| .* \| quit$/],
        ['topics', 'ok events:3'],
        ['topic audit 4', 'ok topic audit 4 3'],
        ['topic single 2 1', 'ok topic single 2 1'],
        ['leaders events', /^ok 0=[0-2] 1=[0-2] 2=[0-2]$/],
        ['leader events 1 2', 'ok leader events 1 2'],
        ['down 2 keep', 'ok down 2'],
        ['up 2', 'ok up 2'],
        ['down 2', /^ok down 2 moved [1-9]\d*$/], // it led partition 1 at least
        ['leaders events', /^ok 0=[01] 1=[01] 2=[01]$/],
        ['up 2', 'ok up 2'],
        ['down all', 'ok down all'],
        ['up all', 'ok up all'],
        ['error Produce 6 2', 'ok error Produce NOT_LEADER_FOR_PARTITION 2'],
        ['error fetch _TRANSPORT', 'ok error Fetch _TRANSPORT 1'],
        ['error 3 REQUEST_TIMED_OUT 1', 'ok error Metadata REQUEST_TIMED_OUT 1'],
        ['clear Produce', 'ok clear Produce'],
        ['apiver LeaveGroup 0 1', 'ok apiver LeaveGroup 0 1'],
        ['apiver JoinGroup -1 -1', 'ok apiver JoinGroup -1 -1'],
        ['rtt 1 50', 'ok rtt 1 50'],
        ['rtt all 0', 'ok rtt all 0'],
        ['topics', 'ok events:3 audit:4 single:2'],
      ]),
    );
  });

  it('answers a precise error to bad input, and keeps serving', async () => {
    await withCluster((kafka) =>
      expectReplies(kafka, [
        ['bogus', 'error unknown command "bogus" (try help)'],
        ['down', 'error usage: down <broker|all> [move|keep]'],
        ['up 1 2', 'error usage: up <broker|all>'],
        ['down 7', 'error unknown broker "7" (brokers: 0 1 2, or all)'],
        ['down one', 'error unknown broker "one" (brokers: 0 1 2, or all)'],
        ['down 1 sideways', 'error second argument must be move or keep, got "sideways"'],
        ['leader events 0 3', 'error unknown broker "3" (brokers: 0 1 2)'],
        ['leader nope 0 1', 'error unknown topic "nope"'],
        ['leaders nope', 'error unknown topic "nope"'],
        ['leader events 3 1', 'error partition must be an integer in 0..2, got "3"'],
        ['topic events 2', 'error topic "events" already exists'],
        ['topic bad/name 1', 'error invalid topic name "bad/name" (1-249 characters of A-Z a-z 0-9 . _ -)'],
        ['topic fresh 0', 'error partitions must be an integer in 1..10000, got "0"'],
        ['topic fresh 1 4', 'error replication must be an integer in 1..3, got "4"'],
        ['error CreateTopics 6', /^error unknown or unimplemented ApiKey "CreateTopics" \(e\.g\. Produce/],
        ['error Produce 4242', /^error unknown error code "4242" \(a Kafka error number such as 6/],
        ['error Produce 6 0', 'error count must be an integer in 1..100000, got "0"'],
        [
          'apiver LeaveGroup 0 9',
          'error max must be an integer in 0..4, got "9" (the mock implements LeaveGroup v0..4; -1 -1 disables it)',
        ],
        ['rtt 1 -5', 'error rtt must be an integer in 0..600000, got "-5"'],
        ['topics', 'ok events:3'], // none of the above changed anything
      ]),
    );
  });

  it('refuses to lead from a down broker, and cannot move leaders when none is left', async () => {
    await withCluster(async (kafka) => {
      await expectReplies(kafka, [
        ['down 1', /^ok down 1 moved \d+$/],
        ['leader events 0 1', 'error broker 1 is down (bring it up first)'],
        ['down 2', /^ok down 2 moved \d+$/],
        ['leaders events', 'ok 0=0 1=0 2=0'],
        ['down 0', 'ok down 0 moved 0 stranded 3 (no other live broker)'],
        ['topics', 'error all brokers are down: cluster state is read through the Metadata API'],
        ['up all', 'ok up all'],
        ['leaders events', 'ok 0=0 1=0 2=0'], // leaders stay where they were moved
      ]);
    });
  });

  it('down refuses connections on that broker only, up accepts them again', async () => {
    await withCluster(async (kafka) => {
      const [b0, b1, b2] = kafka.bootstrap as [string, string, string];
      await kafka.brokerDown(1);
      expect([await accepts(b0), await accepts(b1), await accepts(b2)]).toEqual([true, false, true]);
      expect((await kafka.brokers()).map((b) => b.up)).toEqual([true, false, true]);
      await kafka.brokerUp(1);
      expect(await accepts(b1)).toBe(true);
      await kafka.brokerDown('all');
      expect(await Promise.all(kafka.bootstrap.map(accepts))).toEqual([false, false, false]);
      await kafka.brokerUp('all');
      expect(await Promise.all(kafka.bootstrap.map(accepts))).toEqual([true, true, true]);
    });
  });

  it('stop leaves no process behind, and the ports closed', async () => {
    const kafka = await startMockKafka();
    expect(isRunning(kafka.pid)).toBe(true);
    await kafka.stop();
    expect(isRunning(kafka.pid)).toBe(false);
    expect(await Promise.all(kafka.bootstrap.map(accepts))).toEqual([false, false, false]);
    await kafka.stop(); // idempotent
    await expect(kafka.command('brokers')).rejects.toThrow('kafka-mock launcher exited with code 0');
  });

  it('quits on "quit" and on SIGTERM', async () => {
    const quitting = await startMockKafka();
    expect(await quitting.command('quit')).toBe('ok bye');
    expect(await waitUntilGone(quitting.pid)).toBe(true);

    const terminated = await startMockKafka();
    process.kill(terminated.pid, 'SIGTERM');
    expect(await waitUntilGone(terminated.pid)).toBe(true);
    await terminated.stop();
  });

  it('exits when the process that started it is killed (stdin EOF)', async () => {
    const binary = await ensureMockBroker();
    // A parent that starts the launcher, reports its pid once it is ready, and is then killed.
    const script = `const c = require('node:child_process').spawn(${JSON.stringify(binary)}, [], { stdio: ['pipe', 'pipe', 'ignore'] });
      c.stdout.once('data', () => process.stdout.write(c.pid + '\\n'));`;
    const parent = spawn(process.execPath, ['-e', script], { stdio: ['ignore', 'pipe', 'ignore'] });
    try {
      const { value: line } = await createInterface({ input: parent.stdout })[Symbol.asyncIterator]().next();
      const launcherPid = Number(line);
      expect(isRunning(launcherPid), `launcher pid ${JSON.stringify(line)}`).toBe(true);
      parent.kill('SIGKILL');
      expect(await waitUntilGone(launcherPid)).toBe(true);
    } finally {
      parent.kill('SIGKILL');
    }
  });

  it('rejects command lines it could not answer one-to-one', async () => {
    await withCluster(async (kafka) => {
      await expect(kafka.command('')).rejects.toThrow('empty command');
      await expect(kafka.command('brokers\ntopics')).rejects.toThrow('a command is one line');
      await expect(kafka.createTopic('two words', 1)).rejects.toThrow(
        'invalid argument "two words" (one word expected)',
      );
      expect(await kafka.command('topics')).toBe('ok events:3');
    });
  });
});
