import { setTimeout as sleep } from 'node:timers/promises';

/**
 * Waits until `condition` holds, checking every `intervalMs`; fails after `timeoutMs` saying what
 * was awaited. For outcomes that arrive asynchronously (a relay, a consumer, a rebalance), in
 * place of fixed sleeps that are either too long or flaky.
 */
export async function eventually(
  condition: () => boolean | Promise<boolean>,
  options: { timeoutMs?: number; intervalMs?: number; what?: string } = {},
): Promise<void> {
  const timeoutMs = options.timeoutMs ?? 30_000;
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`${options.what ?? 'condition'} not met within ${timeoutMs} ms`);
    await sleep(options.intervalMs ?? 20);
  }
}
