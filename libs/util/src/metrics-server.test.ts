import { Gauge, Registry } from 'prom-client';
import { pino } from 'pino';
import { describe, expect, it } from 'vitest';
import { startMetricsServer } from './metrics-server.js';

describe('startMetricsServer', () => {
  it('serves the registry at GET /metrics and nothing else', async () => {
    const registry = new Registry();
    new Gauge({
      name: 'things_waiting',
      help: 'things',
      registers: [registry],
      collect() {
        this.set(7);
      },
    });
    const server = await startMetricsServer({
      registry,
      host: '127.0.0.1',
      port: 0,
      logger: pino({ level: 'silent' }),
    });
    try {
      const metrics = await fetch(`http://127.0.0.1:${server.port}/metrics`);
      expect(metrics.status).toBe(200);
      expect(await metrics.text()).toContain('things_waiting 7');
      expect((await fetch(`http://127.0.0.1:${server.port}/`)).status).toBe(404);
    } finally {
      await server.close();
    }
  });

  it('answers 500 when a collector fails', async () => {
    const registry = new Registry();
    new Gauge({
      name: 'broken',
      help: 'fails',
      registers: [registry],
      async collect() {
        throw new Error('database down');
      },
    });
    const server = await startMetricsServer({
      registry,
      host: '127.0.0.1',
      port: 0,
      logger: pino({ level: 'silent' }),
    });
    try {
      expect((await fetch(`http://127.0.0.1:${server.port}/metrics`)).status).toBe(500);
    } finally {
      await server.close();
    }
  });
});
