/**
 * Mixed load over gRPC from its own process: 40% GetSeatUsage, 30% ListAssignments, 20%
 * AssignLicenses (the next bench user without a seat), 10% UnassignLicenses (a seat this process
 * gave earlier), spread over the bench accounts, at RATE operations/s in total (unset: as fast
 * as CLIENTS callers go) for SECONDS. Every SAMPLE_SECONDS it notes the RSS of SAMPLE_PID.
 * Prints one JSON line: { ops, seconds, byKind, refusals: { "Kind REASON": n }, p99Ms, rss: [[s, MiB]] }.
 */
import { readFileSync } from 'node:fs';
import { LicensingService } from '@acme/contracts';
import { createClient, decodeGrpcError } from '@acme/grpc';
import { loadSettings, paced, required } from './load-settings.js';

const { clients, accounts, users, seconds, offset, rate } = loadSettings();
const samplePid = Number(process.env.SAMPLE_PID ?? 0);
const sampleEvery = Number(process.env.SAMPLE_SECONDS ?? 10) * 1000;
const tokens = JSON.parse(readFileSync(required('TOKENS_FILE'), 'utf8')) as Record<string, string>;
const client = createClient(LicensingService, required('ADDRESS'), {});
const started = Date.now();
const deadline = started + seconds * 1000;
let next = offset;
const given: { account: number; user: number }[] = [];
const byKind: Record<string, number> = {};
const refusals: Record<string, number> = {};
const latencies: Record<string, number[]> = {};
const rss: [number, number][] = [];

const rssMiB = (pid: number) =>
  Number(/^VmRSS:\s+(\d+) kB/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1]) / 1024;
const sampler = samplePid
  ? setInterval(() => rss.push([Math.round((Date.now() - started) / 1000), rssMiB(samplePid)]), sampleEvery)
  : null;

type Kind = 'GetSeatUsage' | 'ListAssignments' | 'AssignLicenses' | 'UnassignLicenses';

/** The mix: 40% seat usage, 30% listing, 20% assignments, 10% removals. */
function pickKind(): Kind {
  const roll = Math.random();
  if (roll < 0.4) return 'GetSeatUsage';
  if (roll < 0.7) return 'ListAssignments';
  // A removal needs a seat this process gave; until there is one, it assigns instead.
  return roll < 0.9 || given.length === 0 ? 'AssignLicenses' : 'UnassignLicenses';
}

async function operation(kind: Kind): Promise<void> {
  const token = (account: number) => ({ token: tokens[`acct_b${account}`]! });
  const account = Math.floor(Math.random() * accounts);
  if (kind === 'GetSeatUsage') return void (await client.getSeatUsage({}, token(account)));
  if (kind === 'ListAssignments') return void (await client.listAssignments({ pageSize: 50 }, token(account)));
  if (kind === 'AssignLicenses') {
    const n = next++;
    const target = { account: n % accounts, user: Math.floor(n / accounts) % users };
    await client.assignLicenses(
      {
        userId: `usr_b${target.account}_${target.user}`,
        products: [{ productId: 'goto_meeting' }],
        idempotencyKey: `mixed-${process.pid}-${n}`,
      },
      token(target.account),
    );
    given.push(target);
    return;
  }
  const seat = given.splice(Math.floor(Math.random() * given.length), 1)[0]!;
  await client.unassignLicenses(
    { userId: `usr_b${seat.account}_${seat.user}`, productIds: ['goto_meeting'] },
    token(seat.account),
  );
}

async function worker(index: number): Promise<void> {
  const begin = performance.now();
  for (let k = 0; Date.now() < deadline; k++) {
    await paced(index, k, clients, rate, begin);
    const kind = pickKind();
    const t = performance.now();
    try {
      await operation(kind);
      (latencies[kind] ??= []).push(performance.now() - t);
      byKind[kind] = (byKind[kind] ?? 0) + 1;
    } catch (error) {
      const reason = `${kind} ${decodeGrpcError(error as never).errorInfo?.reason ?? 'UNKNOWN'}`;
      refusals[reason] = (refusals[reason] ?? 0) + 1;
    }
  }
}

await Promise.all(Array.from({ length: clients }, (_, i) => worker(i)));
if (sampler) clearInterval(sampler);
if (samplePid) rss.push([Math.round((Date.now() - started) / 1000), rssMiB(samplePid)]);
const p99 = Object.fromEntries(
  Object.entries(latencies).map(([kind, values]) => [
    kind,
    values.sort((a, b) => a - b)[Math.floor(values.length * 0.99)] ?? 0,
  ]),
);
const ops = Object.values(byKind).reduce((a, b) => a + b, 0);
process.stdout.write(
  `${JSON.stringify({ ops, seconds: (Date.now() - started) / 1000, byKind, refusals, p99Ms: p99, rss })}\n`,
);
client.close();
