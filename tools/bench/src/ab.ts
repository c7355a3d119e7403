/**
 * A/B of a performance mechanism, in one sitting: this checkout against variants of it without
 * the mechanism, each variant a checkout of HEAD with patches from tools/bench/ab/ applied.
 *
 *   npm run bench:ab -- reads no-read-cache no-token-cache [--rounds 3]
 *
 * Each round runs `npm run bench -- <name> --runs 1 --no-write` once in every checkout, in turn,
 * so that the machine's drift is shared; every run measures its own ceiling, so the ratios
 * compare across checkouts. Printed: per table row of the benchmark, the median rate, ratio and
 * service CPU per call of each checkout, and each variant's rate relative to its base. The gain is
 * taken on the rate users see, not on the ratio: a variant may send other statements, and the
 * writes ceiling replays whatever its checkout sends.
 */
import { execFileSync, spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, readlinkSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Command, InvalidArgumentError } from 'commander';
import { tableRows } from './lib/ab-table.js';
import { ROOT } from './lib/processes.js';
import { median } from './lib/stats.js';

const PATCHES = join(ROOT, 'tools/bench/ab');

interface Checkout {
  name: string;
  dir: string;
  /** Per table row (its first cell): what each round measured. */
  rows: Map<string, { rate: number[]; ratio: number[]; cpu: number[] }>;
  /** Why its bench failed, if it did: it is left out of later rounds. */
  failed?: string;
}

const git = (cwd: string, ...args: string[]) => execFileSync('git', args, { cwd, encoding: 'utf8' });

/** A checkout of HEAD with the variant's patches applied ("a+b" applies a.patch, then b.patch). */
function variantCheckout(variant: string): Checkout {
  const dir = mkdtempSync(join(tmpdir(), `bench-ab-${variant.replaceAll('+', '-')}-`));
  git(ROOT, 'worktree', 'add', '--detach', '--force', dir, 'HEAD');
  for (const patch of variant.split('+')) git(dir, 'apply', join(PATCHES, `${patch}.patch`));
  linkDependencies(dir);
  return { name: variant, dir, rows: new Map() };
}

/**
 * The checkout's node_modules: every package of this checkout's, except our own workspace packages
 * (`@acme/*`), which must resolve to the checkout's sources. Symlinking the whole directory would
 * build the variant from this checkout's libs, through node_modules/@acme, without its patches.
 */
function linkDependencies(dir: string): void {
  const modules = join(dir, 'node_modules');
  mkdirSync(join(modules, '@acme'), { recursive: true });
  for (const entry of readdirSync(join(ROOT, 'node_modules'))) {
    if (entry !== '@acme') symlinkSync(join(ROOT, 'node_modules', entry), join(modules, entry));
  }
  for (const entry of readdirSync(join(ROOT, 'node_modules/@acme'))) {
    // Relative links (../../libs/auth): the same link in the checkout names the checkout's lib.
    symlinkSync(readlinkSync(join(ROOT, 'node_modules/@acme', entry)), join(modules, '@acme', entry));
  }
}

/** The bundled apps of a checkout, with its own path replaced by this checkout's (import.meta.url names it). */
function bundles(dir: string): string {
  execFileSync(process.execPath, ['tools/scripts/build-apps.mjs'], { cwd: dir, stdio: 'ignore' });
  return ['licensing-service', 'billing-consumer', 'billing-cli']
    .map((app) => readFileSync(join(dir, 'dist', `${app}.mjs`), 'utf8').replaceAll(dir, ROOT.replace(/\/$/, '')))
    .join('\n');
}

/** A variant that builds to the same apps as HEAD would measure nothing: refuse it. */
function assertVariantsDiffer(checkouts: Checkout[]): void {
  const head = bundles(checkouts[0]!.dir);
  for (const variant of checkouts.slice(1)) {
    if (bundles(variant.dir) === head)
      throw new Error(`${variant.name}: builds the same apps as HEAD; its patches change nothing that runs`);
  }
}

function runBench(checkout: Checkout, name: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(
      process.execPath,
      [join(ROOT, 'node_modules/tsx/dist/cli.mjs'), 'tools/bench/src/cli.ts', name, '--runs', '1', '--no-write'],
      {
        cwd: checkout.dir,
        stdio: ['ignore', 'pipe', 'inherit'],
      },
    );
    let out = '';
    child.stdout.on('data', (chunk: Buffer) => (out += chunk.toString()));
    child.once('exit', (code) =>
      code === 0 ? resolve(out) : reject(new Error(`${checkout.name}: bench ${name} exited ${code}`)),
    );
  });
}

const roundsOption = (value: string) => {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1) throw new InvalidArgumentError('expected a positive integer');
  return n;
};

const program = new Command()
  .name('bench:ab')
  .argument('<bench>', 'the benchmark to run (reads, writes, ...)')
  .argument('<variants...>', 'patch names from tools/bench/ab/, "+" to stack them')
  .option('--rounds <n>', 'runs of each checkout, alternating', roundsOption, 3)
  .action(async (bench: string, variants: string[], options: { rounds: number }) => {
    if (git(ROOT, 'status', '--porcelain', '--', 'apps', 'libs').trim())
      throw new Error('apps/ or libs/ have uncommitted changes: the variants are made from HEAD, and so must be A');
    const checkouts: Checkout[] = [{ name: 'HEAD', dir: ROOT, rows: new Map() }];
    try {
      for (const variant of variants) checkouts.push(variantCheckout(variant));
      assertVariantsDiffer(checkouts);
      for (let round = 1; round <= options.rounds; round++) {
        for (const checkout of checkouts) {
          if (checkout.failed) continue;
          process.stderr.write(`round ${round}/${options.rounds}: ${checkout.name}\n`);
          const output = await runBench(checkout, bench).catch((error: unknown) => {
            // One checkout that cannot be measured leaves the others' A/B standing.
            checkout.failed = error instanceof Error ? error.message : String(error);
            return '';
          });
          for (const { row, rate, ratio, cpu } of tableRows(output)) {
            const entry = checkout.rows.get(row) ?? { rate: [], ratio: [], cpu: [] };
            entry.rate.push(rate);
            entry.ratio.push(ratio);
            entry.cpu.push(cpu);
            checkout.rows.set(row, entry);
          }
        }
      }
      process.stdout.write(report(bench, checkouts, options.rounds));
    } finally {
      for (const checkout of checkouts.slice(1)) {
        git(ROOT, 'worktree', 'remove', '--force', checkout.dir);
        rmSync(checkout.dir, { recursive: true, force: true });
      }
    }
  });

/**
 * The variant's base: for "a+b", the checkout "a" when it is measured too (what b adds on top of
 * it), otherwise HEAD.
 */
function baseOf(variant: Checkout, checkouts: Checkout[]): Checkout {
  const stacked = variant.name.slice(0, Math.max(0, variant.name.lastIndexOf('+')));
  return checkouts.find((c) => c.name === stacked) ?? checkouts[0]!;
}

function report(bench: string, checkouts: Checkout[], rounds: number): string {
  const variants = checkouts.slice(1);
  const rate = (c: Checkout, row: string) => {
    const entry = c.rows.get(row);
    return entry ? median(entry.rate) : Number.NaN;
  };
  const commit = git(ROOT, 'rev-parse', '--short', 'HEAD').trim();
  const lines = [
    `A/B of \`npm run bench -- ${bench} --runs 1\`, ${rounds} rounds alternating HEAD (${commit}) and ` +
      `${variants.map((v) => v.name).join(', ')}. Each cell: the median rate, its ratio to the ceiling of ` +
      `the same run, the service's CPU per call in us. The last columns: the rate of each variant's base ` +
      `(HEAD, or for "a+b" the variant "a") over the variant's, the gain the mechanism brings.`,
    '',
    `| row | ${checkouts.map((c) => c.name).join(' | ')} | ${variants.map((v) => `${baseOf(v, checkouts).name} / ${v.name}`).join(' | ')} |`,
    `| --- |${' --- |'.repeat(checkouts.length + variants.length)}`,
  ];
  for (const row of checkouts[0]!.rows.keys()) {
    const cells = checkouts.map((c) => {
      const entry = c.rows.get(row);
      if (!entry) return '-';
      const cpu = median(entry.cpu);
      return `${Math.round(median(entry.rate))}/s, ${median(entry.ratio).toFixed(2)}${Number.isFinite(cpu) ? `, ${Math.round(cpu)} us` : ''}`;
    });
    const gains = variants.map((v) => `${(rate(baseOf(v, checkouts), row) / rate(v, row)).toFixed(2)}x`);
    lines.push(`| ${row} | ${cells.join(' | ')} | ${gains.join(' | ')} |`);
  }
  for (const c of checkouts) if (c.failed) lines.push('', `${c.name} could not be measured: ${c.failed}`);
  return `${lines.join('\n')}\n`;
}

await program.parseAsync().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
  process.exitCode = 1;
});
