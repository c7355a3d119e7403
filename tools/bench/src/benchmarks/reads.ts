import { create, toBinary } from '@bufbuild/protobuf';
import { GetSeatUsageRequestSchema, LicensingService, ListAssignmentsRequestSchema } from '@acme/contracts';
import { createClient } from '@acme/grpc';
import { createTestPostgres } from '@acme/testing';
import { h2load } from '../lib/h2load.js';
import { startLicensingProcess } from '../lib/licensing-process.js';
import { cpuMicros } from '../lib/processes.js';
import { startEmptyServer } from '../lib/empty-server.js';
import { median, medianRatio, spread } from '../lib/stats.js';
import { table, verdict, type BenchmarkSection } from '../lib/report.js';

const LOAD = { clients: 4, streams: 16, durationSeconds: 5, warmUpSeconds: 1 };

/**
 * Target 1: GetSeatUsage and ListAssignments over gRPC reach at least 50% of an empty grpc-js
 * handler's rate, under the same h2load load and concurrency, in the same run.
 */
export async function readsBenchmark(runs: number): Promise<BenchmarkSection> {
  const database = await createTestPostgres('bench_reads');
  const service = await startLicensingProcess({ DATABASE_URL: database.url, SEED_DEMO: 'true' });
  const empty = await startEmptyServer(service.metricsPort + 1);
  try {
    const token = await service.token({ subject: 'usr_demo_goto_admin', accountId: 'acct_demo_goto' });
    const auth = { authorization: `Bearer ${token}` };
    // Each read must really succeed before we measure it.
    const client = createClient(LicensingService, service.address, { token });
    const usage = await client.getSeatUsage({});
    const listed = await client.listAssignments({ pageSize: 50 });
    client.close();

    const targets = {
      empty: { address: empty.address, path: '/bench.Empty/Call', request: new Uint8Array(), headers: {} },
      seatUsage: {
        address: service.address,
        path: `/${LicensingService.typeName}/GetSeatUsage`,
        request: toBinary(GetSeatUsageRequestSchema, create(GetSeatUsageRequestSchema, {})),
        headers: auth,
      },
      listAssignments: {
        address: service.address,
        path: `/${LicensingService.typeName}/ListAssignments`,
        request: toBinary(ListAssignmentsRequestSchema, create(ListAssignmentsRequestSchema, { pageSize: 50 })),
        headers: auth,
      },
    };
    const rates: Record<keyof typeof targets, number[]> = { empty: [], seatUsage: [], listAssignments: [] };
    const cpuPerCall: Record<'seatUsage' | 'listAssignments', number[]> = { seatUsage: [], listAssignments: [] };
    for (let run = 0; run < runs; run++) {
      for (const name of Object.keys(targets) as (keyof typeof targets)[]) {
        const cpuBefore = name === 'empty' ? 0 : cpuMicros(service.process.pid);
        const result = await h2load({ ...targets[name], ...LOAD });
        if (result.failed > 0) throw new Error(`${name}: ${result.failed} requests failed at the HTTP level`);
        rates[name].push(result.requestsPerSecond);
        if (name !== 'empty')
          cpuPerCall[name].push(
            (cpuMicros(service.process.pid) - cpuBefore) /
              (result.requestsPerSecond * (LOAD.durationSeconds + LOAD.warmUpSeconds)),
          );
      }
    }
    const codes = await service.callsByCode();
    // h2load resets the streams in flight when a run's time is up: those end CANCELLED.
    const refused = Object.entries(codes).filter(([code]) => code !== 'OK' && code !== 'CANCELLED');
    if (refused.length > 0) throw new Error(`calls answered other than OK: ${JSON.stringify(codes)}`);

    const ratio = {
      seatUsage: medianRatio(rates.seatUsage, rates.empty),
      listAssignments: medianRatio(rates.listAssignments, rates.empty),
    };
    const row = (name: keyof typeof targets, what: string) => [
      what,
      Math.round(median(rates[name])),
      spread(rates[name]).text,
      name === 'empty' ? '1.00' : ratio[name].toFixed(2),
      name === 'empty' ? '-' : Math.round(median(cpuPerCall[name])),
    ];
    return {
      id: 'reads',
      title: '1. Reads against the empty-handler ceiling',
      command: `npm run bench -- reads --runs ${runs}`,
      body: [
        `h2load, ${LOAD.clients} connections x ${LOAD.streams} streams, ${LOAD.durationSeconds} s per run ` +
          `after ${LOAD.warmUpSeconds} s warm-up, ${runs} runs alternating the three targets; service on ` +
          `PostgreSQL (demo account: ${usage.products.length} products, ${listed.assignments.length} ` +
          `assignments listed per call), LOG_LEVEL=warn. Every call answered OK (checked on ` +
          `grpc_server_handled_total; ${codes.CANCELLED ?? 0} more were cancelled by h2load at the end of a ` +
          `run).`,
        '',
        table(
          [
            'target',
            'calls/s (median)',
            'spread',
            'ratio to empty (median of per-run ratios)',
            'service CPU per call (us)',
          ],
          [
            row('empty', 'empty grpc-js handler (ceiling)'),
            row('seatUsage', 'GetSeatUsage'),
            row('listAssignments', 'ListAssignments (page of 50)'),
          ],
        ),
        '',
        verdict(
          ratio.seatUsage >= 0.5,
          `GetSeatUsage at ${ratio.seatUsage.toFixed(2)} of the ceiling (target >= 0.50)`,
        ),
        '',
        verdict(
          ratio.listAssignments >= 0.5,
          `ListAssignments at ${ratio.listAssignments.toFixed(2)} of the ceiling (target >= 0.50)`,
        ),
      ].join('\n'),
    };
  } finally {
    await empty.stop();
    await service.stop();
    await database.drop();
  }
}
