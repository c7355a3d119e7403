import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Registry } from 'prom-client';
import type { Logger } from './logger.js';

export interface MetricsServer {
  port: number;
  close(): Promise<void>;
}

/** What `GET /health` answers: a status (`SERVING` answers 200, anything else 503) and any details. */
export interface HealthReport {
  status: string;
  [detail: string]: unknown;
}

/**
 * Serves a Prometheus registry at `GET /metrics` (text exposition format) and, when `health` is
 * given, its report as JSON at `GET /health` (the gRPC health protocol carries no details).
 * Anything else is 404, and a failing collector or report answers 500 without taking the process
 * down.
 */
export async function startMetricsServer(options: {
  registry: Registry;
  host: string;
  port: number;
  logger: Logger;
  /** Read at each `GET /health`. */
  health?: () => HealthReport | Promise<HealthReport>;
}): Promise<MetricsServer> {
  const { health } = options;
  const server = createServer((request, response) => {
    const path = request.url?.split('?')[0];
    if (request.method === 'GET' && path === '/health' && health) {
      // Serialised before anything is sent, so a report that cannot be is a 500 like a failing one.
      Promise.resolve()
        .then(health)
        .then((report) => ({ code: report.status === 'SERVING' ? 200 : 503, body: `${JSON.stringify(report)}\n` }))
        .then(
          ({ code, body }) => response.writeHead(code, { 'content-type': 'application/json' }).end(body),
          (error: unknown) => {
            options.logger.error({ err: error }, 'reporting health failed');
            response.writeHead(500, { 'content-type': 'text/plain' }).end('reporting health failed\n');
          },
        );
      return;
    }
    if (request.method !== 'GET' || path !== '/metrics') {
      response
        .writeHead(404, { 'content-type': 'text/plain' })
        .end(`not found: metrics are at GET /metrics${health ? ', health at GET /health' : ''}\n`);
      return;
    }
    options.registry.metrics().then(
      (body) => response.writeHead(200, { 'content-type': options.registry.contentType }).end(body),
      (error: unknown) => {
        options.logger.error({ err: error }, 'collecting metrics failed');
        response.writeHead(500, { 'content-type': 'text/plain' }).end('collecting metrics failed\n');
      },
    );
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, options.host, () => resolve());
  });
  return {
    port: (server.address() as AddressInfo).port,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
