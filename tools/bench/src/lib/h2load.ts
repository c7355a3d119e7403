import { execFile } from 'node:child_process';
import { rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

export interface H2loadOptions {
  /** host:port of a plaintext HTTP/2 (gRPC) server. */
  address: string;
  /** Full gRPC path, e.g. /acme.licensing.v1.LicensingService/GetSeatUsage. */
  path: string;
  /** The serialized protobuf request (framed here). */
  request: Uint8Array;
  headers?: Record<string, string>;
  /** Connections and concurrent streams per connection. */
  clients: number;
  streams: number;
  durationSeconds: number;
  warmUpSeconds: number;
}

export interface H2loadResult {
  requestsPerSecond: number;
  succeeded: number;
  failed: number;
}

/**
 * Runs h2load (Debian's nghttp2-client), the HTTP/2 load generator the ceilings were measured
 * with. gRPC needs a length-prefixed body, `content-type: application/grpc` and `te: trailers`.
 * h2load counts HTTP statuses only: gRPC errors travel in trailers, so callers check the server's
 * per-code counters for those.
 */
export async function h2load(options: H2loadOptions): Promise<H2loadResult> {
  const body = join(tmpdir(), `h2load-${process.pid}-${Date.now()}.bin`);
  writeFileSync(body, grpcFrame(options.request));
  const headers = { 'content-type': 'application/grpc', te: 'trailers', ...options.headers };
  const args = [
    `--clients=${options.clients}`,
    `--max-concurrent-streams=${options.streams}`,
    '--threads=1',
    `--duration=${options.durationSeconds}`,
    `--warm-up-time=${options.warmUpSeconds}`,
    `--data=${body}`,
    ...Object.entries(headers).flatMap(([name, value]) => ['-H', `${name}: ${value}`]),
    `http://${options.address}${options.path}`,
  ];
  const { stdout } = await run('h2load', args, { maxBuffer: 10 * 1024 * 1024 }).finally(() =>
    rmSync(body, { force: true }),
  );
  const rps = /finished in [\d.]+\w+, ([\d.]+) req\/s/.exec(stdout);
  const requests = /requests: \d+ total, \d+ started, \d+ done, (\d+) succeeded, (\d+) failed/.exec(stdout);
  if (!rps || !requests) throw new Error(`unexpected h2load output:\n${stdout}`);
  return { requestsPerSecond: Number(rps[1]), succeeded: Number(requests[1]), failed: Number(requests[2]) };
}

/** The gRPC message frame: not compressed, 4-byte big-endian length, message. */
export function grpcFrame(message: Uint8Array): Uint8Array {
  const frame = new Uint8Array(5 + message.length);
  new DataView(frame.buffer).setUint32(1, message.length);
  frame.set(message, 5);
  return frame;
}
