import { describe, expect, it } from 'vitest';
import { InProcessEventBus } from './in-process-event-bus.js';

const bytes = (text: string) => new TextEncoder().encode(text);

describe('InProcessEventBus', () => {
  it('delivers every message to every subscriber of the topic, in publish order', async () => {
    const bus = new InProcessEventBus();
    const seen: string[] = [];
    await bus.subscribe('license-events', async (m) => void seen.push(`a:${m.key}:${new TextDecoder().decode(m.value)}`));
    await bus.subscribe('license-events', async (m) => void seen.push(`b:${m.key}`));
    await bus.subscribe('other', async () => void seen.push('wrong topic'));
    await bus.publish('license-events', [{ key: 'acct_1', value: bytes('1') }, { key: 'acct_1', value: bytes('2') }]);
    expect(seen).toEqual(['a:acct_1:1', 'b:acct_1', 'a:acct_1:2', 'b:acct_1']);
  });

  it('rejects the publish when a handler fails, so the publisher keeps the message for a retry', async () => {
    const bus = new InProcessEventBus();
    await bus.subscribe('t', async () => {
      throw new Error('ledger unavailable');
    });
    await expect(bus.publish('t', [{ key: 'k', value: bytes('x') }])).rejects.toThrow('ledger unavailable');
  });

  it('refuses to publish after close', async () => {
    const bus = new InProcessEventBus();
    await bus.close();
    await expect(bus.publish('t', [])).rejects.toThrow('closed');
  });
});
