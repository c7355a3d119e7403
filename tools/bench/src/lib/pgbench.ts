import { spawn } from 'node:child_process';
import { readdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { machineBusyMicros } from './machine-cpu.js';

/** pgbench as Debian's postgresql-client installs it; PGBENCH overrides. */
export const PGBENCH = process.env.PGBENCH ?? '/usr/bin/pgbench';

export interface PgbenchResult {
  /** Transactions completed. */
  transactions: number;
  /** pgbench's own rate, without its initial connection time. */
  tps: number;
  /** Transactions each client completed, by client id (for the next run's unique values). */
  perClient: number[];
  /** CPU pgbench itself used (user + system), in microseconds. */
  ownCpuMicros: number;
  /** The whole machine's busy CPU over the run (/proc/stat), in microseconds. */
  machineBusyMicros: number;
}

/**
 * Runs a pgbench custom script (`-M simple -n`, one thread, `clients` connections) for `seconds`
 * against `databaseUrl` with the given variables (-D), and reads what it did from its report and
 * its per-transaction log. Fails when pgbench does (a client aborts on a failed statement).
 */
export async function runPgbench(options: {
  databaseUrl: string;
  scriptFile: string;
  clients: number;
  seconds: number;
  variables: Record<string, string>;
  logDir: string;
}): Promise<PgbenchResult> {
  const url = new URL(options.databaseUrl);
  const logPrefix = join(options.logDir, `pgbench-${Date.now()}`);
  const args = [
    '-n',
    '-M',
    'simple',
    '-c',
    String(options.clients),
    '-j',
    '1',
    '-T',
    String(options.seconds),
    '-h',
    url.hostname,
    '-p',
    url.port || '5432',
    '-U',
    decodeURIComponent(url.username || 'postgres'),
    '-l',
    `--log-prefix=${logPrefix}`,
    '-f',
    options.scriptFile,
    ...Object.entries(options.variables).map(([name, value]) => `-D${name}=${value}`),
    url.pathname.slice(1),
  ];
  // bash's `times` reports the CPU its child (pgbench) used, which is gone once it exits.
  const child = spawn('bash', ['-c', '"$@"; status=$?; times; exit $status', 'pgbench', PGBENCH, ...args], {
    env: { PATH: process.env.PATH ?? '', ...(url.password ? { PGPASSWORD: decodeURIComponent(url.password) } : {}) },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (stderr = (stderr + chunk.toString()).slice(-20_000)));
  const machineBefore = machineBusyMicros();
  const code = await new Promise<number | null>((resolve) => child.once('exit', resolve));
  const machine = machineBusyMicros() - machineBefore;
  try {
    if (code !== 0 || /aborted/.test(stderr)) throw new Error(`pgbench exited with ${code}:\n${stderr}\n${stdout}`);
    const transactions = Number(/number of transactions actually processed: (\d+)/.exec(stdout)?.[1] ?? Number.NaN);
    const tps = Number(/tps = ([\d.]+) \(without initial connection time\)/.exec(stdout)?.[1] ?? Number.NaN);
    const times = stdout.trim().split('\n').at(-1)!.split(/\s+/).map(seconds);
    const perClient = Array.from({ length: options.clients }, () => 0);
    for (const file of readdirSync(options.logDir).filter((f) => join(options.logDir, f).startsWith(logPrefix))) {
      for (const line of readFileSync(join(options.logDir, file), 'utf8').split('\n')) {
        const client = Number(line.split(' ', 1)[0]);
        if (line && Number.isInteger(client)) perClient[client] = (perClient[client] ?? 0) + 1;
      }
    }
    if (!Number.isFinite(transactions) || !Number.isFinite(tps))
      throw new Error(`pgbench's report was not understood:\n${stdout}`);
    return {
      transactions,
      tps,
      perClient,
      ownCpuMicros: ((times[0] ?? 0) + (times[1] ?? 0)) * 1e6,
      machineBusyMicros: machine,
    };
  } finally {
    for (const file of readdirSync(options.logDir).filter((f) => join(options.logDir, f).startsWith(logPrefix)))
      rmSync(join(options.logDir, file));
  }
}

/** bash's `times` format, `1m2.345s`, in seconds. */
function seconds(text: string): number {
  const m = /^(\d+)m([\d.]+)s$/.exec(text);
  return m ? Number(m[1]) * 60 + Number(m[2]) : Number.NaN;
}
