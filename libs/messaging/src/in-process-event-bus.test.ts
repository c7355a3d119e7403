import { describe, expect, it } from 'vitest';
import { InProcessEventBus } from './in-process-event-bus.js';
import type { ConsumedMessage } from './event-bus.js';

const bytes = (text: string) => new TextEncoder().encode(text);
const text = (m: ConsumedMessage) => new TextDecoder().decode(m.value);

describe('InProcessEventBus', () => {
  it('hands each publish to every consumer of the topic as one ordered batch', async () => {
    const bus = new InProcessEventBus();
    const seen: string[] = [];
    await bus.consume(
      'license-events',
      async (batch) => void seen.push(`a:${batch.map((m) => `${m.key}:${text(m)}`).join(',')}`),
    );
    await bus.consume('license-events', async (batch) => void seen.push(`b:${batch.length}`));
    await bus.consume('other', async () => void seen.push('wrong topic'));
    await bus.publish('license-events', [
      { key: 'acct_1', value: bytes('1') },
      { key: 'acct_1', value: bytes('2') },
    ]);
    expect(seen).toEqual(['a:acct_1:1,acct_1:2', 'b:2']);
  });

  it('numbers messages per topic like partition offsets, across publishes', async () => {
    const bus = new InProcessEventBus();
    const offsets: string[] = [];
    await bus.consume(
      't',
      async (batch) => void offsets.push(...batch.map((m) => `${m.topic}/${m.partition}/${m.offset}`)),
    );
    await bus.publish('t', [{ key: 'k', value: bytes('x') }]);
    await bus.publish('t', [
      { key: 'k', value: bytes('y') },
      { key: 'k', value: bytes('z') },
    ]);
    expect(offsets).toEqual(['t/0/0', 't/0/1', 't/0/2']);
  });

  it('rejects the publish when a handler fails, so the publisher keeps the message for a retry', async () => {
    const bus = new InProcessEventBus();
    await bus.consume('t', async () => {
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
