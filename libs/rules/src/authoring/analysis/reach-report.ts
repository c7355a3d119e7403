import { readPolicies } from '../checker.js';
import { formatProblem } from '../../engine/rule-file.js';
import { analyseReach } from './reach.js';
import { describeCombination, type Answer, type ReachReport } from './reach-answers.js';

/**
 * `npm run rules -- reach [dir]`: every answer of the reach analysis (reach.ts), where `check`
 * reports only the problems. Returns the exit code: 1 when the files have problems of their own
 * or the analysis finds any.
 */
export async function printReach(dir: string, print: (line: string) => void = console.log): Promise<number> {
  const sources = readPolicies(dir);
  if (sources.problems.length > 0) {
    for (const p of sources.problems) print(formatProblem(p));
    print(`${sources.problems.length} problem(s): the reach analysis needs files that check (npm run rules -- check)`);
    return 1;
  }
  const report = await analyseReach(sources.rules, sources.params, sources.examples);
  for (const line of formatReach(report)) print(line);
  return report.problems.length > 0 ? 1 : 0;
}

/** The report as the command prints it: per point and account values, then per rule with effects. */
export function formatReach(report: ReachReport): string[] {
  const lines = [
    'Can each decision point allow, and each rule with effects fire in an allowed decision?',
    '(facts: examples/<point>.json with the changes shown, decided with every rule whatever its date)',
  ];
  for (const { point, fields, combinations } of report.points) {
    lines.push('', point);
    for (const { combination, allow, effects } of combinations) {
      const indent = fields.length ? '    ' : '  ';
      if (fields.length) lines.push(`  ${describeCombination(combination)}:`);
      lines.push(`${indent}can allow: ${words(allow)}`);
      for (const { rule, types, answer } of effects)
        lines.push(`${indent}${types.join(', ')} (${rule.id}) in an allowed decision: ${words(answer)}`);
    }
  }
  lines.push('', 'Warn and info rules that can never fire:');
  if (report.neverFiring.length === 0) lines.push('  none');
  for (const { rule, fires, why } of report.neverFiring) lines.push(`  ${rule.id}: ${fires}: ${why}`);
  lines.push('', report.problems.length ? `${report.problems.length} problem(s):` : 'no problem');
  for (const p of report.problems) lines.push(`  ${formatProblem(p)}`);
  return lines;
}

function words(answer: Answer): string {
  switch (answer.kind) {
    case 'yes':
      return `yes, e.g. ${answer.changes.length ? answer.changes.join(', ') : 'the example facts as they are'}`;
    case 'unknown':
      return `unknown (${answer.reason})`;
    default:
      return `never (${answer.because === 'closed' ? 'closed to these accounts: ' : ''}${answer.proof})`;
  }
}
