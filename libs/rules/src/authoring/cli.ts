/**
 * The policy authors' CLI (run from the repository root):
 *   npm run rules -- check [dir]
 *   npm run rules -- test [dir] [--at YYYY-MM-DD]
 *   npm run rules -- explain <point> <facts.json> [--dir dir] [--no-examples] [--at YYYY-MM-DD]
 *   npm run rules -- catalogue
 */
import { readFileSync } from 'node:fs';
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
import { explainDecision } from './explain.js';
import { explainInputProblems } from './explain-input.js';
import { describePaths } from './fact-shapes.js';
import { DEFAULT_POLICIES_DIR } from '../loading/load.js';
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
  .description('run every example case beside the rules (by default every rule takes part, whatever its date)')
  .action(async (dir: string, options: { at?: Date }) => {
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

program.parseAsync().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : String(error));
  process.exitCode = 1;
});
