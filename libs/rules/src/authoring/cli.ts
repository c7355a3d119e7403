/**
 * The policy authors' CLI (run from the repository root):
 *   npm run rules -- check [dir]
 *   npm run rules -- test [dir] [--at YYYY-MM-DD] [--coverage]
 *   npm run rules -- explain <point> <facts.json> [--dir dir] [--no-examples] [--at YYYY-MM-DD]
 *   npm run rules -- catalogue
 *   npm run rules -- reach [dir]
 *   npm run rules -- schemas
 *   npm run rules -- bundle [dir] [--out file] [--version label]
 */
import { readFileSync, realpathSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Command, InvalidArgumentError } from 'commander';
import {
  BUILT_IN_OPERATORS,
  CUSTOM_OPERATORS,
  EFFECT_TYPES,
  FACTS,
  OPERATOR_DECORATORS,
  factShape,
} from '../engine/catalogue.js';
import { checkRules, readPolicies } from './checker.js';
import { runCases, mergeFacts, verifyPolicies } from './cases.js';
import { conditionCoverage, formatCoverage } from './coverage.js';
import { explainDecision } from './explain.js';
import { explainInputProblems } from './explain-input.js';
import { writeEditorSchemas } from './editor-schemas.js';
import { describePaths } from './fact-shapes.js';
import { DEFAULT_POLICIES_DIR } from '../loading/load.js';
import { writeBundle } from '../loading/bundle.js';
import { printReach } from './analysis/reach-report.js';
import { formatProblem, RuleSetError } from '../engine/rule-file.js';

const program = new Command().name('rules').description('check, test and explain the policy rules');

/** A day as YYYY-MM-DD: the moment (its UTC midnight) rules are decided at, effective dates included. */
const day = (value: string): Date => {
  const date = new Date(`${value}T00:00:00Z`);
  if (!/^\d{4}-\d{2}-\d{2}$/.test(value) || Number.isNaN(date.getTime()) || date.toISOString().slice(0, 10) !== value)
    throw new InvalidArgumentError('expected a calendar date, YYYY-MM-DD');
  return date;
};

/** Rules with an effective date after `at`: the service (and explain) leave them out until then. */
const notYetInEffect = (dir: string, at: Date) =>
  readPolicies(dir).rules.filter((rule) => rule.effectiveDate > at.toISOString().slice(0, 10));

program
  .command('check')
  .argument('[dir]', 'policies directory', DEFAULT_POLICIES_DIR)
  .description('report every problem in the rule files as file: path: problem')
  .action(async (dir: string) => {
    const problems = await checkRules(dir);
    for (const p of problems) console.log(formatProblem(p));
    // Not a problem, but a surprise for whoever explains a decision today: say it.
    for (const rule of problems.length ? [] : notYetInEffect(dir, new Date()))
      console.log(
        `warning: ${rule.id} takes effect on ${rule.effectiveDate}: until then the service and explain leave it out`,
      );
    console.log(problems.length ? `${problems.length} problem(s)` : `ok: ${readPolicies(dir).rules.length} rules`);
    process.exitCode = problems.length ? 1 : 0;
  });

program
  .command('test')
  .argument('[dir]', 'policies directory', DEFAULT_POLICIES_DIR)
  .option('--at <date>', 'decide the cases on this day (YYYY-MM-DD): rules not yet in effect then are left out', day)
  .option(
    '--coverage',
    'also show, per rule and condition, whether cases made it both true and false (exit 1 if not all)',
  )
  .description('run every example case beside the rules (by default every rule takes part, whatever its date)')
  .action(async (dir: string, options: { at?: Date; coverage?: boolean }) => {
    const report = await runCases(dir, options.at ? { at: options.at } : {});
    for (const r of report.results) {
      console.log(`${r.passed ? 'pass' : 'FAIL'}  ${r.ruleId}: ${r.name}`);
      for (const f of r.failures) console.log(`        ${f}`);
      // What the case's decision saw: the condition that did not come out as expected is in there.
      if (!r.passed && r.decision)
        for (const line of explainDecision(r.decision).split('\n')) console.log(line ? `        | ${line}` : '');
    }
    for (const p of report.problems) console.log(`problem: ${p}`);
    const failed = report.results.filter((r) => !r.passed).length;
    console.log(
      `${report.results.length - failed} passed, ${failed} failed${report.problems.length ? `, ${report.problems.length} problem(s)` : ''}`,
    );
    process.exitCode = report.passed ? 0 : 1;
    if (!options.coverage) return;
    // From the decisions the cases just made: each case's trace says which conditions held.
    const coverage = conditionCoverage(readPolicies(dir).rules, report.results);
    console.log(`\n${formatCoverage(coverage)}`);
    for (const line of coverage.uncovered) console.log(`not covered: ${line}`);
    if (!coverage.full) process.exitCode = 1;
  });

program
  .command('explain')
  .argument('<point>', 'decision point, e.g. assign')
  .argument('<facts>', 'JSON file with the facts (merged over policies/examples/<point>.json unless --no-examples)')
  .option('--dir <dir>', 'policies directory', DEFAULT_POLICIES_DIR)
  .option('--no-examples', 'use the facts file as it is')
  .option('--at <date>', 'decide as on this day (YYYY-MM-DD; default today): rules take effect on their date', day)
  .description('print the decision and why, in plain words')
  .action(async (point: string, factsFile: string, options: { dir: string; examples: boolean; at?: Date }) => {
    const facts = JSON.parse(readFileSync(factsFile, 'utf8')) as unknown;
    // A misspelled fact would be decided on silently ("no rule fired"): refuse it, with a guess.
    const wrong = explainInputProblems(point, facts);
    if (wrong.length > 0)
      throw new Error(`${factsFile} cannot be explained:\n${wrong.map((w) => `  ${w}`).join('\n')}`);
    // Explains with rules whose cases fail too: that is when an author needs to see why.
    const { ruleSet, problems } = await verifyPolicies(options.dir);
    if (!ruleSet) throw new RuleSetError(problems);
    const at = options.at ?? new Date();
    const base = options.examples ? (readPolicies(options.dir).examples.get(point) ?? {}) : {};
    const decision = await ruleSet.decide(point, mergeFacts(base, facts) as Record<string, unknown>, { now: at });
    console.log(explainDecision(decision));
    const onDay = at.toISOString().slice(0, 10);
    for (const rule of notYetInEffect(options.dir, at).filter((r) => r.decisionPoints.some((p) => p === point)))
      console.log(
        `\nnot in effect on ${onDay}, so left out: ${rule.id} (from ${rule.effectiveDate}; --at ${rule.effectiveDate} includes it)`,
      );
  });

program
  .command('catalogue')
  .description('list the facts, operators and effects rules may use, with what they mean')
  .action(() => {
    console.log('Facts (decision points that provide them):');
    for (const [name, fact] of Object.entries(FACTS)) {
      console.log(
        `  ${name}  [${fact.points.join(', ')}]${fact.perProduct ? ' (forEach: products only)' : ''}\n      ${fact.description}`,
      );
      // The paths the checker accepts, with their types; grouped by point where they differ.
      const byPaths = new Map<string, string[]>();
      for (const point of fact.points) {
        const paths = describePaths(factShape(name, point)!);
        byPaths.set(paths, [...(byPaths.get(paths) ?? []), point]);
      }
      for (const [paths, points] of byPaths) {
        if (paths) console.log(`      ${byPaths.size > 1 ? `at ${points.join(', ')}: ` : 'paths: '}${paths}`);
      }
    }
    console.log('\nOperators (json-rules-engine):');
    for (const [name, op] of Object.entries(BUILT_IN_OPERATORS)) console.log(`  ${name}: ${op.description}`);
    console.log(`  decorators, as prefixes: ${OPERATOR_DECORATORS.map((d) => `${d}:`).join(' ')}`);
    console.log('\nOperators (ours):');
    for (const [name, op] of Object.entries(CUSTOM_OPERATORS)) console.log(`  ${name}: ${op.description}`);
    console.log('\nEffects:');
    for (const [name, description] of Object.entries(EFFECT_TYPES)) console.log(`  ${name}: ${description}`);
  });

program
  .command('bundle')
  .argument('[dir]', 'policies directory', DEFAULT_POLICIES_DIR)
  .option('--out <file>', 'the bundle file to write (default policies-<version>.bundle.json)')
  .option('--version <label>', "the bundle's version label (default: its content hash)")
  .description('write the policies as one versioned bundle file, only when every check and case passes')
  .action(async (dir: string, options: { out?: string; version?: string }) => {
    const { path, bundle } = await writeBundle(dir, options);
    const { version, contentHash, rules, files } = bundle.manifest;
    console.log(
      `wrote ${path}: version ${version}, content hash ${contentHash}, ${rules.length} rules, ${files} files`,
    );
  });

program
  .command('reach')
  .argument('[dir]', 'policies directory', DEFAULT_POLICIES_DIR)
  .description('can each decision point allow, each effect occur? yes with facts, never with a proof, or unknown')
  .action(async (dir: string) => void (process.exitCode = await printReach(dir)));

program
  .command('schemas')
  .description('regenerate schema/rule.schema.json and schema/cases.schema.json from the fact catalogue (for editors)')
  .action(async () => {
    for (const { file, changed } of await writeEditorSchemas())
      console.log(`${changed ? 'wrote' : 'up to date:'} libs/rules/${file}`);
  });

/**
 * The authors' commands, for a tool that adds its own (`npm run rules` adds `impact`, which reads
 * the licensing service's decision log: tools/dev-cli/src/rules.ts).
 */
export const rulesProgram = program;

/** Runs `program` on the process arguments; an error is one line on stderr and exit 1. */
export function runRulesProgram(command: Command = program): void {
  command.parseAsync().catch((error: unknown) => {
    console.error(error instanceof Error ? error.message : String(error));
    process.exitCode = 1;
  });
}

// Run as a script (npx tsx libs/rules/src/authoring/cli.ts), not when imported.
if (process.argv[1] && realpathSync(process.argv[1]) === fileURLToPath(import.meta.url)) runRulesProgram();
