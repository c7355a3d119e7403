/**
 * Benchmarks, each measured as a ratio against a ceiling in the same run (the machine is noisy):
 *   npm run bench -- reads [--runs 5]
 *   npm run bench -- writes [--runs 5]
 *   npm run bench -- rules [--runs 5]
 *   npm run bench -- billing [--runs 5]
 *   npm run bench -- latency [--runs 5]
 *   npm run bench -- scale
 *   npm run bench -- soak [--minutes 10]
 *   npm run bench -- entitlements [--runs 3]
 * Figures are written to docs/benchmarks.md with the command that produced them.
 */
import { Command, InvalidArgumentError } from 'commander';
import { writeSection, type BenchmarkSection } from './lib/report.js';
import { readsBenchmark } from './benchmarks/reads.js';
import { writesBenchmark } from './benchmarks/writes.js';
import { rulesBenchmark } from './benchmarks/rules.js';
import { billingBenchmark } from './benchmarks/billing.js';
import { latencyBenchmark } from './benchmarks/latency.js';
import { scaleBenchmark } from './benchmarks/scale.js';
import { soakBenchmark } from './benchmarks/soak.js';
import { entitlementsBenchmark } from './benchmarks/entitlements.js';

const BENCHMARKS: Record<string, (runs: number, options: { minutes: number }) => Promise<BenchmarkSection>> = {
  reads: readsBenchmark,
  writes: writesBenchmark,
  rules: rulesBenchmark,
  billing: billingBenchmark,
  latency: latencyBenchmark,
  scale: () => scaleBenchmark(),
  soak: (_runs, options) => soakBenchmark(options.minutes),
  entitlements: entitlementsBenchmark,
};

const runsOption = (value: string) => {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1) throw new InvalidArgumentError('expected a positive integer');
  return n;
};

const program = new Command().name('bench').description('benchmarks with targets, written to docs/benchmarks.md');
program
  .argument('<name>', `one of: ${Object.keys(BENCHMARKS).join(', ')}`)
  .option('--runs <n>', 'runs per measurement (the median is reported)', runsOption, 5)
  .option('--minutes <n>', 'length of the soak (soak only)', runsOption, 10)
  .option('--no-write', 'print the figures without updating docs/benchmarks.md')
  .action(async (name: string, options: { runs: number; minutes: number; write: boolean }) => {
    const benchmark = BENCHMARKS[name];
    if (!benchmark)
      throw new InvalidArgumentError(`unknown benchmark "${name}" (one of: ${Object.keys(BENCHMARKS).join(', ')})`);
    const section = await benchmark(options.runs, options);
    process.stdout.write(`${section.body}\n`);
    if (options.write) writeSection(section);
  });

await program.parseAsync().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
  process.exitCode = 1;
});
