/**
 * `npm run kafka-mock` as a developer runs it: the cluster comes up with the platform's topics, so
 * the outbox relay has somewhere to publish (found: it started with none, and the relay failed
 * forever with "This server does not host this topic-partition").
 */
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const root = fileURLToPath(new URL('../../../', import.meta.url));

/** Starts the CLI, waits for its KAFKA_BROKERS line, answers its `topics` line, and quits it. */
async function topicsAtStart(...args: string[]): Promise<string> {
  const cli = spawn(`${root}node_modules/.bin/tsx`, ['tools/kafka-mock/src/cli.ts', '--brokers', '1', ...args], {
    cwd: root,
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  let output = '';
  const up = new Promise<void>((resolve, reject) => {
    cli.stdout.on('data', (chunk: Buffer) => {
      output += chunk.toString();
      if (output.includes('export KAFKA_BROKERS=')) resolve();
    });
    cli.once('exit', (code) => reject(new Error(`kafka-mock exited (${code}) before it was up:\n${output}`)));
  });
  const exited = new Promise<number | null>((resolve) => cli.once('exit', resolve));
  try {
    await up;
    return /^topics (.*)$/m.exec(output)?.[1] ?? '';
  } finally {
    cli.stdin.end('quit\n');
    expect(await exited).toBe(0);
  }
}

describe('npm run kafka-mock', () => {
  it('creates license-events and its dead-letter topic by default', async () => {
    expect((await topicsAtStart()).split(' ').sort()).toEqual(['license-events.dlq:1', 'license-events:6']);
  }, 120_000);

  it('lets --topic replace a default or add one, and --no-default-topics leave them out', async () => {
    expect((await topicsAtStart('--topic', 'license-events:12', '--topic', 'audit:2')).split(' ').sort()).toEqual([
      'audit:2',
      'license-events.dlq:1',
      'license-events:12',
    ]);
    expect(await topicsAtStart('--no-default-topics')).toBe('(none)');
  }, 120_000);
});
