/**
 * AssignLicenses load over gRPC from its own process: CLIENTS concurrent callers for SECONDS, each
 * call giving GoTo Meeting to the next bench user without one (accounts in turn), with an
 * idempotency key, as a caller would. Tokens come from TOKENS_FILE ({ "acct_b0": "<jwt>", … }).
 * Calls go through the bare HTTP/2 caller, so the service's side of the ratio does not pay for a
 * grpc-js client's CPU on the shared cores (see BareGrpcCaller).
 * Prints one JSON line: { calls, seconds, errors: { code: n }, machineBusyMicros, ownCpuMicros, p50Ms, p99Ms }.
 */
import { readFileSync } from 'node:fs';
import { LicensingService } from '@acme/contracts';
import { BareGrpcCaller, BareGrpcError } from '../lib/bare-grpc-caller.js';
import { cpuWindow } from '../lib/machine-cpu.js';
import { loadSettings, paced, required } from './load-settings.js';

const { clients, accounts, users, seconds, offset, rate } = loadSettings();
const deadline = Date.now() + seconds * 1000;
const tokens = JSON.parse(readFileSync(required('TOKENS_FILE'), 'utf8')) as Record<string, string>;
const caller = new BareGrpcCaller(required('ADDRESS'));
let next = offset;
let calls = 0;
const errors: Record<string, number> = {};
const latencies: number[] = [];

async function worker(index: number): Promise<void> {
  const begin = performance.now();
  for (let k = 0; Date.now() < deadline; k++) {
    await paced(index, k, clients, rate, begin);
    const n = next++;
    const account = n % accounts;
    const user = Math.floor(n / accounts) % users;
    const started = performance.now();
    try {
      const response = await caller.call(
        LicensingService.method.assignLicenses,
        {
          userId: `usr_b${account}_${user}`,
          products: [{ productId: 'goto_meeting' }],
          idempotencyKey: `bench-${process.pid}-${n}`,
        },
        tokens[`acct_b${account}`]!,
      );
      if (!response.results[0]?.assignment) throw new Error('answered without the assignment');
      latencies.push(performance.now() - started);
      calls++;
    } catch (error) {
      const code =
        error instanceof BareGrpcError
          ? (error.status.errorInfo?.reason ?? String(error.status.code))
          : (error as Error).message;
      errors[code] = (errors[code] ?? 0) + 1;
    }
  }
}

const started = Date.now();
const cpu = cpuWindow();
await Promise.all(Array.from({ length: clients }, (_, i) => worker(i)));
latencies.sort((a, b) => a - b);
const at = (p: number) =>
  latencies[Math.min(latencies.length - 1, Math.floor((p / 100) * latencies.length))] ?? Number.NaN;
process.stdout.write(
  `${JSON.stringify({ calls, errors, seconds: (Date.now() - started) / 1000, ...cpu(), p50Ms: at(50), p99Ms: at(99) })}\n`,
);
caller.close();
