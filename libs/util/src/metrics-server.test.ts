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

  it('answers GET /health with the report as JSON when given one: 200 while SERVING, 503 otherwise, 500 when it fails', async () => {
    let report: () => { status: string; [detail: string]: unknown } = () => ({
      status: 'SERVING',
      rules: { version: 'abc', drift: null },
    });
    const server = await startMetricsServer({
      registry: new Registry(),
      host: '127.0.0.1',
      port: 0,
      logger: pino({ level: 'silent' }),
      health: () => report(),
    });
    const url = `http://127.0.0.1:${server.port}/health`;
    try {
      const serving = await fetch(url);
      expect(serving.status).toBe(200);
      expect(serving.headers.get('content-type')).toBe('application/json');
      expect(await serving.json()).toEqual({ status: 'SERVING', rules: { version: 'abc', drift: null } });

      report = () => ({ status: 'NOT_SERVING' });
      const stopping = await fetch(url);
      expect(stopping.status).toBe(503);
      expect(await stopping.json()).toEqual({ status: 'NOT_SERVING' });

      report = () => {
        throw new Error('no rules');
      };
      expect((await fetch(url)).status).toBe(500);
      // A report that cannot be serialised fails the same way, without an unhandled rejection.
      report = () => ({ status: 'SERVING', big: 1n });
      expect((await fetch(url)).status).toBe(500);
      expect((await fetch(url, { method: 'POST' })).status).toBe(404);
    } finally {
      await server.close();
    }
  });

  it('has no /health without a report', async () => {
    const server = await startMetricsServer({
      registry: new Registry(),
      host: '127.0.0.1',
      port: 0,
      logger: pino({ level: 'silent' }),
    });
    try {
      const answer = await fetch(`http://127.0.0.1:${server.port}/health`);
      expect(answer.status).toBe(404);
      expect(await answer.text()).toBe('not found: metrics are at GET /metrics\n');
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
